"""PROTOCOL_TLSv1 / PROTOCOL_TLSv1_1 (Jython's ftplib asks for TLSv1): the context warns and
negotiates TLS 1.2 or later; it never speaks TLS 1.0/1.1, so a peer that only speaks TLS 1.0
(openssl s_server -tls1) is refused."""
import os
import socket
import ssl
import subprocess
import threading
import time
import warnings

from check import check, equal

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'build', 'test-certs')


def path(name):
    return os.path.join(D, name)


def server(protocol_version_seen):
    ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
    ctx.load_cert_chain(path('server.pem'), path('server.key'))
    l = socket.socket()
    l.bind(('127.0.0.1', 0))
    l.listen(1)

    def run():
        c, _ = l.accept()
        s = ctx.wrap_socket(c, server_side=True)
        protocol_version_seen.append(s.version())
        s.sendall(s.recv(10))
        s.close()
    t = threading.Thread(target=run)
    t.daemon = True
    t.start()
    return l, t


for proto in ('PROTOCOL_TLSv1', 'PROTOCOL_TLSv1_1'):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ctx = ssl.SSLContext(getattr(ssl, proto))
    check('%s warns' % proto, lambda: len(caught) == 1 and issubclass(caught[0].category, RuntimeWarning)
          and 'TLS 1.2 or later' in str(caught[0].message))
    seen = []
    l, t = server(seen)
    s = ctx.wrap_socket(socket.create_connection(l.getsockname(), timeout=10))
    s.sendall('hi')
    equal('%s echo' % proto, 'hi', s.recv(10))
    check('%s negotiated 1.2+' % proto, lambda: s.version() in ('TLSv1.2', 'TLSv1.3') and seen[0] == s.version())
    s.close()
    t.join(10)
    l.close()


def tls10_only_peer():
    """openssl s_server limited to TLS 1.0: the handshake must fail (nothing older than 1.2)."""
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    p = subprocess.Popen(['openssl', 's_server', '-quiet', '-tls1', '-cipher', 'ALL:@SECLEVEL=0',
                          '-accept', '127.0.0.1:%d' % port, '-cert', path('server.pem'),
                          '-key', path('server.key')],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                raw = socket.create_connection(('127.0.0.1', port), timeout=10)
                break
            except socket.error:
                time.sleep(0.1)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
        try:
            ctx.wrap_socket(raw)
            return False
        except (ssl.SSLError, socket.error):
            return True
        finally:
            raw.close()
    finally:
        p.kill()
        p.wait()


check('a TLS 1.0-only peer is refused', tls10_only_peer)
