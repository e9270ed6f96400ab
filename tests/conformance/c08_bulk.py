"""10 MB transfers: blocking sendall with a reader thread, and non-blocking partial sends
driven by select, each checked with a digest."""
import hashlib
import select
import socket
import threading

from common import case, tcp_pair

SIZE = 10 * 1024 * 1024
block = bytes(bytearray(range(256))) * 4096   # 1 MiB with every byte value
payload = block * (SIZE // len(block))
digest = hashlib.md5(payload).hexdigest()


def drain(sock, result):
    h = hashlib.md5()
    total = 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        h.update(chunk)
        total += len(chunk)
    result.append((total, h.hexdigest()))


c, a = tcp_pair()
out = []
t = threading.Thread(target=drain, args=(a, out))
t.start()
c.sendall(payload)
c.shutdown(socket.SHUT_WR)
t.join(60)
case('blocking sendall 10MB', lambda: out[0] == (SIZE, digest))
c.close()
a.close()

c, a = tcp_pair()
c.setblocking(False)
a.setblocking(False)
view = memoryview(payload)
sent = 0
partial = 0
h = hashlib.md5()
got = 0
buf = bytearray(65536)
while got < SIZE:
    wlist = [c] if sent < SIZE else []
    r, w, _ = select.select([a], wlist, [], 10)
    if not r and not w:
        break
    if w:
        try:
            n = c.send(view[sent:sent + 1024 * 1024])
        except socket.error as e:
            n = 0
        if n < min(1024 * 1024, SIZE - sent):
            partial += 1
        sent += n
    if r:
        try:
            n = a.recv_into(buf)
        except socket.error:
            n = 0
        h.update(bytes(buf[:n]))
        got += n
case('nonblocking transfer 10MB', lambda: (sent, got, h.hexdigest() == digest))
case('some sends were partial', lambda: partial > 0)
c.close()
a.close()

u, v = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
u.settimeout(5)
v.settimeout(5)
out = []
t = threading.Thread(target=drain, args=(v, out))
t.start()
for i in range(10):
    u.sendall(block)
u.shutdown(socket.SHUT_WR)
t.join(60)
case('timeout-mode unix sendall 10MB', lambda: out[0] == (SIZE, digest))
u.close()
v.close()
