"""The standard library's xmlrpclib against python3's xmlrpc.server."""
import datetime
import hashlib

from libcheck import CONFIG, case, eq, raises

import xmlrpclib

URL = 'http://127.0.0.1:%d/RPC2' % CONFIG['xmlrpc']


@case('call_add')
def _():
    proxy = xmlrpclib.ServerProxy(URL)
    eq(42, proxy.add(40, 2))
    eq('ab', proxy.add('a', 'b'))


@case('round_trip_types')
def _():
    proxy = xmlrpclib.ServerProxy(URL, allow_none=True)
    value = {'int': 7, 'float': 2.5, 'bool': True, 'none': None, 'list': [1, 'two', [3]],
             'text': u'caf\u00e9 \u2603', 'date': xmlrpclib.DateTime(datetime.datetime(2024, 2, 29, 12, 30, 1))}
    back = proxy.echo(value)
    eq(u'caf\u00e9 \u2603', back['text'])
    eq('20240229T12:30:01', back['date'].value)
    del value['date'], back['date']
    eq(value, back)


@case('binary_256kb_both_ways')
def _():
    proxy = xmlrpclib.ServerProxy(URL)
    data = ''.join(chr((i * 7) % 256) for i in range(256 * 1024))
    eq(hashlib.sha256(data).hexdigest(), proxy.sha256(xmlrpclib.Binary(data)))
    blob = proxy.blob(100000)
    eq(100000, len(blob.data))
    eq(hashlib.sha256(blob.data).hexdigest(), proxy.sha256(blob))


@case('fault_from_server')
def _():
    proxy = xmlrpclib.ServerProxy(URL)
    e = raises(xmlrpclib.Fault, proxy.fail, 'boom')
    eq(1, e.faultCode)
    if 'ValueError' not in e.faultString or 'boom' not in e.faultString:
        raise AssertionError(e.faultString)


@case('multicall_and_introspection')
def _():
    proxy = xmlrpclib.ServerProxy(URL)
    multi = xmlrpclib.MultiCall(proxy)
    multi.add(1, 2)
    multi.echo('x')
    eq([3, 'x'], list(multi()))
    methods = proxy.system.listMethods()
    for m in ('add', 'echo', 'fail', 'system.multicall'):
        if m not in methods:
            raise AssertionError(methods)


@case('connection_refused')
def _():
    import socket
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    e = raises(socket.error, xmlrpclib.ServerProxy('http://127.0.0.1:%d/' % port).add, 1, 2)
    eq(111, e.errno)
