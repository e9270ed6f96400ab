"""requests 2.27 + urllib3 1.26 (from PyPI) against the CPython 3 HTTP/HTTPS servers."""
import gc
import hashlib
import os
import time

from libcheck import CONFIG, CA, CERTS, case, eq, raises

import requests

HTTP = 'http://127.0.0.1:%d' % CONFIG['http']
HTTPS = 'https://localhost:%d' % CONFIG['https']
CHUNKS = [('chunk %d of the chunked response\n' % i).encode() * (i + 1) for i in range(40)]


@case('http_get')
def _():
    r = requests.get(HTTP + '/hello')
    eq(200, r.status_code)
    eq('text/plain', r.headers['content-type'])
    eq(u'hello from python3 over http', r.text)


@case('http_json_unicode')
def _():
    r = requests.get(HTTP + '/json')
    eq({u'text': u'caf\u00e9 \u2603', u'n': [1, 2.5, None, True]}, r.json())


@case('http_redirect')
def _():
    r = requests.get(HTTP + '/redirect')
    eq([302], [h.status_code for h in r.history])
    eq(HTTP + '/hello', r.url)
    eq(u'hello from python3 over http', r.text)


@case('http_post_1mb')
def _():
    body = b''.join(hashlib.sha256(str(i).encode()).digest() for i in range(32768))
    r = requests.post(HTTP + '/upload', data=body, headers={'Content-Type': 'application/x-test'})
    eq({u'length': len(body), u'sha256': hashlib.sha256(body).hexdigest(),
        u'ctype': u'application/x-test'}, r.json())


def keepalive(base, n, want_sni, **kw):
    s = requests.Session()
    s.verify = kw.get('verify', True)
    seen = [s.get(base + '/conn').json() for _ in range(n)]
    s.close()
    eq(1, len(set(d['conn'] for d in seen)), 'distinct server connections')
    eq(list(range(1, n + 1)), [d['served'] for d in seen], 'requests served by that connection')
    eq([want_sni] * n, [d['sni'] for d in seen], 'SNI')


@case('http_keepalive_session')
def _():
    keepalive(HTTP, 5, None)


@case('http_chunked')
def _():
    r = requests.get(HTTP + '/chunked')
    eq('chunked', r.headers.get('transfer-encoding'))
    eq(None, r.headers.get('content-length'))
    eq(b''.join(CHUNKS), r.content)


def big(base, **kw):
    r = requests.get(base + '/big', stream=True, **kw)
    digest = hashlib.sha256()
    n = 0
    for block in r.iter_content(65536):
        digest.update(block)
        n += len(block)
    eq(20 * 1024 * 1024, n, 'length')
    eq(CONFIG['big_sha256'], r.headers['x-sha256'])
    eq(CONFIG['big_sha256'], digest.hexdigest(), 'digest')


@case('http_20mb_digest')
def _():
    big(HTTP)


@case('http_ipv6_loopback')
def _():
    r = requests.get('http://[::1]:%d/conn' % CONFIG['http6'])
    eq(1, r.json()['served'])
    eq(u'hello from python3 over http', requests.get('http://[::1]:%d/hello' % CONFIG['http6']).text)


@case('https_ip_address_hosts_vs_ip_certificate')
def _():
    # urllib3 1.26 matches IP addresses only through the ipaddress module, which Python 2
    # lacks: it compares text, and 2.7's getpeercert() writes IPv6 entries as 0:0:0:0:0:0:0:1.
    # Both interpreters refuse both hosts with the same message.
    for host, port in (('127.0.0.1', CONFIG['https']), ('[::1]', CONFIG['https6'])):
        e = raises(requests.exceptions.SSLError, requests.get,
                   'https://%s:%d/hello' % (host, port), verify=CA)
        want = ("hostname '%s' doesn't match either of 'localhost', '127.0.0.1', "
                "'0:0:0:0:0:0:0:1'" % host.strip('[]'))
        if want not in str(e):
            raise AssertionError(str(e))


@case('https_get')
def _():
    r = requests.get(HTTPS + '/hello', verify=CA)
    eq(200, r.status_code)
    eq(u'hello from python3 over https', r.text)


@case('https_sni_and_keepalive')
def _():
    keepalive(HTTPS, 4, u'localhost', verify=CA)


@case('https_chunked')
def _():
    r = requests.get(HTTPS + '/chunked', verify=CA)
    eq('chunked', r.headers.get('transfer-encoding'))
    eq(b''.join(CHUNKS), r.content)


@case('https_20mb_digest')
def _():
    big(HTTPS, verify=CA)


def released_on_close(base, **kw):
    """Session.close() then a garbage collection closes the pooled connection: the server sees
    EOF on it. urllib3 1.26.20's PoolManager.clear() only drops its pools (no close()); CPython
    closes their sockets at once by reference counting, Jython when the collector finds them
    unreachable, so this is what a program can rely on with both: no descriptor is leaked."""
    s = requests.Session()
    s.verify = kw.get('verify', True)
    conn = s.get(base + '/conn').json()['conn']
    eq({u'closed': False}, requests.get('%s/closed/%d' % (base, conn), **kw).json())
    s.close()
    del s
    deadline = time.time() + 10
    while True:
        gc.collect()
        if requests.get('%s/closed/%d' % (base, conn), **kw).json()['closed']:
            break
        if time.time() > deadline:
            raise AssertionError('the server never saw connection %d closed' % conn)
        time.sleep(0.1)


@case('http_session_closed_and_collected_releases_connection')
def _():
    released_on_close(HTTP)


@case('https_session_closed_and_collected_releases_connection')
def _():
    released_on_close(HTTPS, verify=CA)


@case('https_client_certificate')
def _():
    url = 'https://localhost:%d/conn' % CONFIG['https_clientcert']
    cert = (os.path.join(CERTS, 'client.pem'), os.path.join(CERTS, 'client.key'))
    eq(u'sockbridge client', requests.get(url, verify=CA, cert=cert).json()['client_cn'])


@case('https_client_certificate_missing_rejected')
def _():
    url = 'https://localhost:%d/conn' % CONFIG['https_clientcert']
    # The server's TLS 1.3 alert, read with the response: SSLError on both (the text is
    # OpenSSL's on CPython, rustls's on the plug-in).
    raises(requests.exceptions.SSLError, requests.get, url, verify=CA)


@case('read_timeout')
def _():
    t = time.time()
    e = raises(requests.exceptions.ReadTimeout, requests.get,
               'http://127.0.0.1:%d/' % CONFIG['silent'], timeout=(5, 0.5))
    took = time.time() - t
    if not 0.45 < took < 4:
        raise AssertionError('took %.2fs' % took)
    if 'Read timed out' not in str(e):
        raise AssertionError(str(e))


@case('connect_timeout')
def _():
    t = time.time()
    e = raises(requests.exceptions.ConnectTimeout, requests.get,
               'http://127.0.0.1:%d/' % CONFIG['backlog'], timeout=(0.5, 5))
    took = time.time() - t
    if not 0.45 < took < 4:
        raise AssertionError('took %.2fs' % took)
    if 'connect timeout=0.5' not in str(e):
        raise AssertionError(str(e))


@case('https_wrong_host_rejected')
def _():
    e = raises(requests.exceptions.SSLError, requests.get,
               'https://localhost:%d/hello' % CONFIG['https_wronghost'], verify=CA)
    if "hostname 'localhost' doesn't match 'wrong.example'" not in str(e):
        raise AssertionError(str(e))


@case('https_unknown_ca_rejected')
def _():
    e = raises(requests.exceptions.SSLError, requests.get,
               'https://localhost:%d/hello' % CONFIG['https_unknownca'], verify=CA)
    if 'certificate verify failed' not in str(e).lower():
        raise AssertionError(str(e))


@case('https_default_bundle_rejects_test_ca')
def _():
    e = raises(requests.exceptions.SSLError, requests.get, HTTPS + '/hello')
    if 'certificate verify failed' not in str(e).lower():
        raise AssertionError(str(e))
