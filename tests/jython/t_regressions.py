"""What users of the old Jython socket module hit, checked on the plug-in: int fds, select over
many sockets, files and pipes in select, sys.stdin, option levels, and 10,000 open connections
without a thread per connection (against a CPython 3 peer)."""
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

from check import check, equal

s = socket.socket()
check('int(s.fileno()) is the real fd', lambda: isinstance(s.fileno(), int) and int(s.fileno()) > 2)
check('fileno() names the kernel socket (/proc/self/fd)', lambda: os.readlink('/proc/self/fd/%d' % s.fileno()).startswith('socket:'))
s.close()

pairs = [socket.socketpair() for _ in range(50)]
socks = [x for p in pairs for x in p]
equal('select over 100 sockets reports all 100 writable', 100, len(select.select([], socks, [], 1)[1]))
for i, (a, b) in enumerate(pairs):
    if i % 3 == 0:
        a.send('x')
expected = set(b for i, (a, b) in enumerate(pairs) if i % 3 == 0)
equal('select over 100 sockets reports exactly the readable ones', expected,
      set(select.select(socks, [], [], 1)[0]))
for x in socks:
    x.close()

fd, path = tempfile.mkstemp()
f = open(path, 'r')
check('select accepts a Jython file object', lambda: select.select([f], [], [], 0)[0] == [f])
r, w = os.pipe()
check('select accepts os.pipe() ends', lambda: select.select([r], [w], [], 0) == ([], [w], []))
os.write(w, 'data')
check('pipe becomes readable', lambda: select.select([r], [], [], 1)[0] == [r])
check('select accepts sys.stdin', lambda: select.select([sys.stdin], [], [], 0) is not None)
p = select.poll()
p.register(f, select.POLLIN)
check('poll accepts a Jython file object', lambda: len(p.poll(0)) == 1)
f.close()
os.unlink(path)

c = socket.socket()
c.setsockopt(socket.SOL_TCP, socket.TCP_NODELAY, 1)
equal('SOL_TCP TCP_NODELAY', 1, c.getsockopt(socket.SOL_TCP, socket.TCP_NODELAY))
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 77)
equal('IPPROTO_TCP TCP_KEEPIDLE', 77, c.getsockopt(socket.SOL_TCP, socket.TCP_KEEPIDLE))
c.setsockopt(socket.SOL_SOCKET, socket.SO_TIMEOUT, 1500)
equal('Jython extra SO_TIMEOUT maps to settimeout', 1.5, c.gettimeout())
c.close()
check('select.cpython_compatible_select kept', lambda: select.cpython_compatible_select is select.select)
check('host strings are str, not unicode', lambda: type(socket.getaddrinfo('127.0.0.1', 80)[0][4][0]) is str
      and type(socket.gethostbyname('localhost')) is str)

N = 10000
peer = subprocess.Popen([os.environ.get('SOCKBRIDGE_PYTHON3', 'python3'),
                         os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'peers', 'hold_server.py')],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
port = int(peer.stdout.readline())
threads_before = threading.active_count()
start = time.time()
conns = []
try:
    for i in range(N):
        conn = socket.socket()
        conn.connect(('127.0.0.1', port))
        conns.append(conn)
    opened = time.time() - start
    ep = select.epoll()
    for conn in conns:
        conn.setblocking(False)
        ep.register(conn.fileno(), select.EPOLLIN)
        conn.send('!')
    echoed = set()
    deadline = time.time() + 60
    while len(echoed) < N and time.time() < deadline:
        for fd, ev in ep.poll(1, 4096):
            echoed.add(fd)
    ep.close()
    sys.stdout.write('info: %d connections opened in %.2fs, all echoed in %.2fs\n' % (N, opened, time.time() - start))
    equal('10000 connections open and echo through one epoll', N, len(echoed))
    check('no thread per connection', lambda: threading.active_count() <= threads_before + 1)
finally:
    for conn in conns:
        conn.close()
    peer.stdin.close()
    peer.wait()
