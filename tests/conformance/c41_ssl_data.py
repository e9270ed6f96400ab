"""ssl data path: large writes in blocking, non-blocking (want-write, then the retry with the same
data) and timeout mode, the buffer types write/sendall take, reads larger than a record, and
recv_into; against each interpreter's own TLS server on loopback."""
import os
import select
import socket
import ssl
import threading

from common import case

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'build', 'test-certs')
BIG = b''.join(chr(i % 251).encode('latin-1') if str is not bytes else chr(i % 251)
               for i in range(4096)) * 768  # 3 MiB, no two 64 KiB windows alike at one offset


def pair(timeout=10):
    """(client SSLSocket, server SSLSocket) over loopback TCP, handshake done, small buffers."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
    server_ctx.load_cert_chain(os.path.join(D, 'server.pem'), os.path.join(D, 'server.key'))
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
    client_ctx.verify_mode = ssl.CERT_REQUIRED
    client_ctx.load_verify_locations(os.path.join(D, 'ca.pem'))
    l = socket.socket()
    l.bind(('127.0.0.1', 0))
    l.listen(1)
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32768)
    c.settimeout(timeout)
    c.connect(l.getsockname())
    a, _ = l.accept()
    a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
    a.settimeout(timeout)
    l.close()
    box = []
    t = threading.Thread(target=lambda: box.append(server_ctx.wrap_socket(a, server_side=True)))
    t.start()
    s = client_ctx.wrap_socket(c, server_hostname='localhost')
    t.join(10)
    return s, box[0]


def reader(srv, n, out):
    """Reads exactly n bytes (in the reader's own sizes) into out[0]."""
    def run():
        got = []
        have = 0
        while have < n:
            chunk = srv.recv(1 << 20)
            if not chunk:
                break
            got.append(chunk)
            have += len(chunk)
        out.append(b''.join(got))
    t = threading.Thread(target=run)
    t.start()
    return t


def nonblocking_big_write():
    s, srv = pair()
    s.setblocking(False)
    first = []
    try:
        s.write(BIG)
        first.append('no want-write')
    except ssl.SSLWantWriteError as e:
        first.append(type(e).__name__)
    # send() reports want-write as 0 bytes sent.
    sends = s.send(BIG)
    out = []
    t = reader(srv, len(BIG), out)
    n = None
    for _ in range(100000):
        try:
            n = s.write(BIG)  # the same data again, until all of it went out
            break
        except ssl.SSLWantWriteError:
            select.select([], [s], [], 5)
    t.join(30)
    s.close()
    srv.close()
    return first[0], sends, n == len(BIG), len(out[0]), out[0] == BIG


case('non-blocking 3 MiB write: want-write, retried with the same data', nonblocking_big_write)


def timeout_big_write():
    s, srv = pair(timeout=0.3)
    try:
        s.sendall(BIG)
        first = 'sent'
    except Exception as e:  # noqa: BLE001 (the failure is the result)
        # str() as _ssl's SSLError_str gives it (quotes swapped: Jython's string_escape
        # codec, used to print results, leaves single quotes alone)
        first = '%s %s' % (type(e).__name__, str(e).replace("'", '"'))
    s.settimeout(10)
    srv.settimeout(10)
    out = []
    t = reader(srv, len(BIG), out)
    n = s.write(BIG)  # OpenSSL goes on with the write that timed out
    t.join(30)
    s.close()
    srv.close()
    return first, n, len(out[0]), out[0] == BIG


case('timeout-mode 3 MiB sendall times out, the retry completes it', timeout_big_write)


def buffer_types():
    s, srv = pair()
    expect = b'ab' * 70000 + b'cd' * 70000 + b'ef' * 70000 + b'gh' * 70000 + b'ij' * 70000
    out = []
    t = reader(srv, len(expect), out)
    results = []
    for data in (bytearray(b'ab' * 70000), memoryview(b'cd' * 70000), buffer(b'ef' * 70000),
                 u'gh' * 70000, b'', b'ij' * 70000):
        try:
            results.append(s.sendall(data))
        except Exception as e:  # noqa: BLE001
            results.append(type(e).__name__)
    for data in (u'\xe9', 5, None):
        try:
            results.append(s.write(data))
        except Exception as e:  # noqa: BLE001
            results.append(type(e).__name__)
    t.join(30)
    s.close()
    srv.close()
    return results, len(out[0]), out[0] == expect


case('sendall/write buffer types', buffer_types)


def reads():
    s, srv = pair()
    srv.sendall(BIG[:100000])
    sizes = []
    got = b''
    first = s.recv(1 << 20)
    sizes.append(len(first))  # one record at most (16 KiB), as SSL_read
    got += first
    buf = bytearray(70000)
    n = s.recv_into(buf)
    sizes.append(n)
    got += bytes(buf[:n])
    n = s.recv_into(buf, 10)
    sizes.append(n)
    got += bytes(buf[:n])
    small = s.read(5)
    sizes.append(len(small))
    got += small
    while len(got) < 100000:
        got += s.recv(65536)
    s.close()
    srv.close()
    return sizes, got == BIG[:100000]


case('reads: one record at most, recv_into, read(n)', reads)
