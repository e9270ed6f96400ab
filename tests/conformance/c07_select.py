"""select / poll / epoll over sockets, pipes and regular files; non-blocking connect via select."""
import os
import select
import socket
import tempfile

from common import case, listener, tcp_pair

c, a = tcp_pair()
case('select nothing readable', lambda: select.select([a], [], [], 0) == ([], [], []))
case('select writable', lambda: select.select([], [c, a], [], 0)[1] == [c, a])
c.sendall(b'x')
case('select readable', lambda: select.select([a, c], [], [], 1)[0] == [a])
case('select by fd int', lambda: select.select([a.fileno()], [], [], 1)[0] == [a.fileno()])


class Wrapper(object):
    def __init__(self, s):
        self.s = s

    def fileno(self):
        return self.s.fileno()


w = Wrapper(a)
case('select fileno object', lambda: select.select([w], [], [], 1)[0] == [w])
case('select timeout empty', lambda: select.select([], [], [], 0.05))
case('select bad object', lambda: select.select(['x'], [], [], 0))
case('select negative fd', lambda: select.select([-1], [], [], 0))
case('select negative timeout', lambda: select.select([a], [], [], -1))
case('select bad timeout', lambda: select.select([a], [], [], 'x'))
case('select not a sequence', lambda: select.select(5, [], [], 0))
case('select duplicates', lambda: len(select.select([a, a], [], [], 1)[0]))

r, wfd = os.pipe()
case('pipe empty', lambda: select.select([r], [wfd], [], 0) == ([], [wfd], []))
os.write(wfd, b'p')
case('pipe readable', lambda: select.select([r], [], [], 1) == ([r], [], []))
fd, path = tempfile.mkstemp()
os.write(fd, b'data')
case('regular file always ready', lambda: select.select([fd], [fd], [], 0) == ([fd], [fd], []))

p = select.poll()
p.register(a, select.POLLIN)
p.register(r, select.POLLIN)
p.register(wfd, select.POLLOUT)
case('poll ready', lambda: (len(p.poll(1000)), (a.fileno(), select.POLLIN) in p.poll(0)))
p.modify(a, select.POLLOUT)
case('poll modify', lambda: (a.fileno(), select.POLLOUT) in p.poll(0))
p.unregister(r)


def unregister_missing():
    try:
        p.unregister(r)
    except KeyError as e:   # the key is the fd number (processes number their fds differently)
        return ('KeyError', len(e.args), isinstance(e.args[0], int))


case('poll unregister missing', unregister_missing)
case('poll modify missing', lambda: p.modify(r, select.POLLIN))
p2 = select.poll()
p2.register(999999, select.POLLIN)
case('poll closed fd nval', lambda: p2.poll(0))
case('poll timeout', lambda: select.poll().poll(10))

ep = select.epoll()
ep.register(a.fileno(), select.EPOLLIN)
ep.register(r, select.EPOLLIN | select.EPOLLET)
case('epoll ready', lambda: (len(ep.poll(1)), ep.poll(0) == [(a.fileno(), select.EPOLLIN)]))
case('epoll edge not repeated', lambda: ep.poll(0) == [(a.fileno(), select.EPOLLIN)])
os.write(wfd, b'q')
case('epoll new edge', lambda: len(ep.poll(1)))
case('epoll register twice', lambda: ep.register(r, select.EPOLLIN))
case('epoll modify missing', lambda: ep.modify(wfd, select.EPOLLIN))
case('epoll unregister missing', lambda: ep.unregister(wfd))
case('epoll file', lambda: ep.register(fd, select.EPOLLIN))
case('epoll maxevents', lambda: len(ep.poll(0, 1)))
case('epoll bad maxevents', lambda: ep.poll(0, 0))
case('epoll fileno is int', lambda: isinstance(ep.fileno(), int))
ep.close()
case('epoll closed', lambda: ep.closed)
case('epoll use after close', lambda: ep.poll(0))
case('epoll constants', lambda: (select.EPOLLIN, select.EPOLLOUT, select.EPOLLET, select.EPOLLONESHOT, select.EPOLLRDHUP))
case('poll constants', lambda: (select.POLLIN, select.POLLPRI, select.POLLOUT, select.POLLERR, select.POLLHUP, select.POLLNVAL))

l = listener()
n = socket.socket()
n.setblocking(False)
case('nonblocking connect', lambda: n.connect_ex(l.getsockname()))
case('connect completes via select', lambda: select.select([], [n], [], 5)[1] == [n])
case('SO_ERROR after connect', lambda: n.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
b, _ = l.accept()
n.send(b'nb')
case('nonblocking data arrives', lambda: (select.select([b], [], [], 2)[0] == [b], b.recv(5)))
a.close()
case('select closed socket', lambda: select.select([a], [], [], 0))
for s in (c, l, n, b):
    s.close()
os.close(r)
os.close(wfd)
os.close(fd)
os.unlink(path)

# A child's pipe after the child exited: Java drains it and closes the fd; it must still read as
# readable (its data, then EOF), as the pipe does on CPython.
import time  # noqa: E402
pp = os.popen('echo one; echo two', 'r')
time.sleep(1.0)
case('popen pipe after exit - select', lambda: select.select([pp], [], [], 5)[0] == [pp])
case('popen pipe after exit - data', lambda: (pp.readline(), pp.readline()))
case('popen pipe after exit - at eof', lambda: (select.select([pp], [], [], 5)[0] == [pp], pp.readline()))
pp.close()
pp = os.popen('sleep 0.5; echo polled', 'r')
pl = select.poll()
pl.register(pp, select.POLLIN)
time.sleep(1.5)
case('popen pipe after exit - poll', lambda: [bool(ev & select.POLLIN) for fd_, ev in pl.poll(5000)])
case('popen pipe after exit - poll data', lambda: pp.readline())
pp.close()
