"""select.epoll.fromfd: two epoll objects over one fd share the instance (closing either
closes it; the other then gets IOError EBADF), a foreign fd is taken over and closed by close(),
a number that is not open gives EBADF on use, -1 makes a new instance."""
import os
import select
import socket

from common import CPYTHON2, case, tcp_pair

c, a = tcp_pair()
ep = select.epoll()
ep2 = select.epoll.fromfd(ep.fileno())
case('same fd', lambda: ep2.fileno() == ep.fileno())
case('register through the second', lambda: (ep2.register(c.fileno(), select.EPOLLOUT),
                                             ep2.register(a.fileno(), select.EPOLLOUT)))
case('the first sees them', lambda: sorted(ep.poll(1, 4)) == sorted(
    [(c.fileno(), select.EPOLLOUT), (a.fileno(), select.EPOLLOUT)]))
case('the second too', lambda: len(ep2.poll(1, 4)))
case('modify through the first', lambda: ep.modify(a.fileno(), select.EPOLLIN))
case('seen by the second', lambda: ep2.poll(0.5, 4) == [(c.fileno(), select.EPOLLOUT)])
case('close the first', lambda: (ep.close(), ep.closed, ep2.closed))
case('second poll after', lambda: ep2.poll(1, 4))
case('second register after', lambda: ep2.register(0))
case('second modify after', lambda: ep2.modify(c.fileno(), select.EPOLLIN))
case('second unregister after', lambda: ep2.unregister(c.fileno()))
case('second fileno after', lambda: isinstance(ep2.fileno(), int))
case('second close', lambda: (ep2.close(), ep2.closed))
case('second poll when closed', lambda: ep2.poll(0))

# Closing the second one first closes the first's too.
ep = select.epoll()
ep2 = select.epoll.fromfd(ep.fileno())
ep2.close()
case('first after the second closed', lambda: (ep.closed, ep.poll(0)))
ep.close()

# A foreign fd (not an epoll) is taken over: its waits fail, close() closes it.
s = socket.socket()
fd = os.dup(s.fileno()) if CPYTHON2 else s.detach()
x = select.epoll.fromfd(fd)
case('foreign fd', lambda: (x.fileno() == fd, x.closed))
case('foreign fd poll', lambda: x.poll(1))
case('foreign fd close', lambda: (x.close(), os.path.exists('/proc/self/fd/%d' % fd)))
s.close()

case('fromfd of a number not open', lambda: select.epoll.fromfd(2 ** 30).poll(0))
n = select.epoll.fromfd(-1)
case('fromfd(-1) is a new epoll', lambda: (n.closed, n.fileno() > 2, n.poll(0)))
n.close()
case('fromfd of a str', lambda: select.epoll.fromfd('3'))
case('fromfd of a float', lambda: select.epoll.fromfd(3.0))
case('fromfd too large', lambda: select.epoll.fromfd(2 ** 40))
c.close()
a.close()
