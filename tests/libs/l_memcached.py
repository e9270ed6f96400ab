"""python-memcached 1.59 (from PyPI) against Debian's memcached, over TCP and a unix socket."""
from libcheck import CONFIG, TAG, case, eq

import memcache

TCP = memcache.Client(['127.0.0.1:%d' % CONFIG['memcached']])
UNIX = memcache.Client(['unix:%s' % CONFIG['memcached_unix']])


def key(name):
    return '%s-%s' % (TAG, name)


def basics(mc):
    eq(True, bool(mc.set(key('greeting'), 'hello memcached')))
    eq('hello memcached', mc.get(key('greeting')))
    eq(None, mc.get(key('absent')))
    eq(True, bool(mc.add(key('once'), 1)))
    eq(False, bool(mc.add(key('once'), 2)), 'second add')
    eq(1, mc.get(key('once')))
    eq(True, bool(mc.replace(key('once'), 3)))
    eq(3, mc.get(key('once')))
    eq(True, bool(mc.delete(key('once'))))
    eq(None, mc.get(key('once')))


@case('tcp_set_get_add_replace_delete')
def _():
    basics(TCP)


@case('unix_socket_set_get_add_replace_delete')
def _():
    basics(UNIX)


@case('tcp_incr_decr')
def _():
    mc = TCP
    mc.set(key('counter'), '10')
    eq(15, mc.incr(key('counter'), 5))
    eq(13, mc.decr(key('counter'), 2))
    eq('13', mc.get(key('counter')))


@case('tcp_multi_and_pickled_values')
def _():
    mc = TCP
    values = {key('a'): u'unicode caf\u00e9', key('b'): {'list': [1, 2, (3, 4)], 'n': None},
              key('c'): 12345678901234, key('d'): 2.5}
    eq([], mc.set_multi(values))
    eq(values, mc.get_multi(list(values) + [key('missing')]))
    mc.delete_multi(list(values))
    eq({}, mc.get_multi(list(values)))


@case('tcp_large_value_900kb')
def _():
    mc = TCP
    blob = ''.join(chr(i % 251) for i in range(900 * 1024))
    eq(True, bool(mc.set(key('blob'), blob)))
    eq(blob, mc.get(key('blob')))


@case('tcp_stats_from_server')
def _():
    stats = TCP.get_stats()
    eq(1, len(stats))
    server, values = stats[0]
    if not server.startswith('127.0.0.1:%d' % CONFIG['memcached']):
        raise AssertionError(server)
    if int(values['cmd_set']) < 1 or not values['version']:
        raise AssertionError(values)


@case('tcp_expiry')
def _():
    import time
    TCP.set(key('short'), 'gone soon', time=1)
    eq('gone soon', TCP.get(key('short')))
    time.sleep(2.1)
    eq(None, TCP.get(key('short')))
