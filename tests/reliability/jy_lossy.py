# Run inside a network namespace whose loopback loses and delays packets (see run.py netem):
# a Jython echo of N seeded random bytes over TCP with timeouts; prints "OK <bytes> <sha256> <s>"
# or "FAIL <why>" (and exits 1).
import hashlib
import random
import socket
import sys
import threading
import time

N = int(sys.argv[1])
rnd = random.Random(5)
data = ''.join(chr(rnd.getrandbits(8)) for _ in xrange(4096)) * (N // 4096 + 1)
data = data[:N]

l = socket.socket()
l.bind(('127.0.0.1', 0))
l.listen(1)
result = []


def server():
    s, _ = l.accept()
    s.settimeout(60.0)
    h = hashlib.sha256()
    while True:
        d = s.recv(65536)
        if not d:
            break
        h.update(d)
        s.sendall(d)
    s.close()
    result.append(h.hexdigest())


t = threading.Thread(target=server)
t.daemon = True
t.start()
c = socket.create_connection(l.getsockname(), timeout=60.0)
t0 = time.time()
back = hashlib.sha256()
got = [0]


def reader():
    while got[0] < N:
        d = c.recv(65536)
        if not d:
            break
        back.update(d)
        got[0] += len(d)


r = threading.Thread(target=reader)
r.daemon = True
r.start()
off = 0
while off < N:
    n = rnd.randrange(1, 32768)
    c.sendall(data[off:off + n])
    off += n
r.join(300)
c.shutdown(socket.SHUT_WR)
t.join(120)
c.close()
want = hashlib.sha256(data).hexdigest()
if got[0] == N and back.hexdigest() == want and result and result[0] == want:
    print('OK %d %s %.1fs' % (N, want, time.time() - t0))
else:
    print('FAIL got %d of %d bytes; sent %s server %s back %s' % (got[0], N, want, result, back.hexdigest()))
    sys.exit(1)
