"""Non-blocking ssl writes on the plug-in, as CPython 2.7.18 (OpenSSL) does them: send() returns
0 (want-write) until the whole buffer has reached the kernel, then its full length, so what it
reports as sent arrives with no further call; a shorter retry is BAD_LENGTH; an asyncore client
sending a large request over TLS gets its answer. (Passes on CPython 2.7.18 unchanged.)"""
import asyncore
import hashlib
import os
import select
import socket
import ssl
import threading
import time

from check import check, equal

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'build', 'test-certs')
server_ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
server_ctx.load_cert_chain(os.path.join(D, 'server.pem'), os.path.join(D, 'server.key'))
client_ctx = ssl.create_default_context(cafile=os.path.join(D, 'ca.pem'))


def tls_pair():
    """A handshaken pair over loopback TCP with small buffers: (client, server)."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    ls.bind(('127.0.0.1', 0))
    ls.listen(1)
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    c.connect(ls.getsockname())
    s, _ = ls.accept()
    ls.close()
    box = []
    th = threading.Thread(target=lambda: box.append(server_ctx.wrap_socket(s, server_side=True)))
    th.start()
    client = client_ctx.wrap_socket(c, server_hostname='localhost')
    th.join(10)
    return client, box[0]


def drain(sock, n, out):
    """Reads exactly n bytes (10 s timeout each read); appends (count, sha256 hex)."""
    sock.settimeout(10)
    got, h = 0, hashlib.sha256()
    try:
        while got < n:
            b = sock.recv(min(65536, n - got))
            if not b:
                break
            got += len(b)
            h.update(b)
    except Exception:
        pass
    out.append((got, h.hexdigest()))


def send_until_done(sock, data, results):
    """Retries send(data) with the same buffer until it reports everything (20 s at most)."""
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            r = sock.send(data)
        except ssl.SSLError as e:
            r = 'SSLError %s' % e.args[0]
        results.append(r)
        if r == len(data):
            return True
        select.select([], [sock], [], 1)
    return False


def reported_bytes_arrive():
    client, server = tls_pair()
    data = os.urandom(4 << 20)
    client.setblocking(0)
    results = []
    # Paused reader: the first send can take only part, and must report 0.
    r = client.send(data)
    results.append(r)
    out = []
    reader = threading.Thread(target=drain, args=(server, len(data), out))
    reader.start()
    done = send_until_done(client, data, results)
    # No further call on the client: what was reported must reach the reader.
    reader.join(30)
    client.close()
    server.close()
    if not done:
        raise AssertionError('never reported as sent: %r' % results[-5:])
    bad = [x for x in results if x not in (0, len(data))]
    if bad:
        raise AssertionError('send returned %r (only 0 or %d allowed)' % (bad[:5], len(data)))
    if results[0] != 0:
        raise AssertionError('the first send with a paused reader returned %r' % results[0])
    equal_digest = out and out[0] == (len(data), hashlib.sha256(data).hexdigest())
    if not equal_digest:
        raise AssertionError('reader got %r of %d bytes' % (out and out[0][0], len(data)))


check('non-blocking send reports 0 until everything reached the kernel, and every byte arrives',
      reported_bytes_arrive)


def shorter_retry():
    """(What OpenSSL 3 does next differs: CPython 2.7.18 then fails every write on the
    connection; the plug-in lets the retry with the full buffer go on.)"""
    client, server = tls_pair()
    data = b'\x5a' * (1 << 20)
    client.setblocking(0)
    first = client.send(data)
    try:
        client.send(data[:10])
        outcome = 'no error'
    except ssl.SSLError as e:
        outcome = (e.args[0], e.reason, str(e).startswith('[SSL: BAD_LENGTH] bad length'))
    client.close()
    server.close()
    return first, outcome


equal('a retry shorter than what the unfinished send took is BAD_LENGTH',
      (0, (1, 'BAD_LENGTH', True)), shorter_retry())


class Uploader(asyncore.dispatcher):
    """An asyncore client: sends its whole request in 64 KiB slices, then waits for a reply."""

    def __init__(self, sock, request):
        asyncore.dispatcher.__init__(self, sock)
        self.out = request
        self.reply = b''

    def writable(self):
        return bool(self.out)

    def handle_write(self):
        self.out = self.out[self.send(self.out[:65536]):]

    def handle_read(self):
        try:
            data = self.recv(4096)
        except ssl.SSLWantReadError:
            return
        self.reply += data
        if b'\n' in self.reply or not data:
            self.close()

    def handle_close(self):
        self.close()


def asyncore_upload():
    client, server = tls_pair()
    request = os.urandom(2 << 20)

    def serve():
        time.sleep(0.5)  # a slow server: the client's socket fills up first
        out = []
        drain(server, len(request), out)
        server.sendall(('%d %s\n' % out[0]).encode('ascii'))

    th = threading.Thread(target=serve)
    th.start()
    client.setblocking(0)
    u = Uploader(client, request)
    deadline = time.time() + 30
    while u.socket is not None and time.time() < deadline:
        asyncore.loop(timeout=0.2, count=1, map={u._fileno: u} if u._fileno is not None else {})
        if u._fileno is None:
            break
    th.join(15)
    server.close()
    client.close()
    expected = '%d %s' % (len(request), hashlib.sha256(request).hexdigest())
    if u.reply.strip() != expected:
        raise AssertionError('reply %r, expected %r' % (u.reply[:100], expected))


check('an asyncore client uploads 2 MiB over TLS to a slow server and gets the answer',
      asyncore_upload)
