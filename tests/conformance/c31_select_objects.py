"""select's objects as CPython 2.7.18 builds them: the poll and epoll types (names, reprs,
attribute sets, not subclassable), their argument parsing and errors (keywords, arities, masks,
timeouts, maxevents), a closed epoll, closed socket objects, and modify/unregister of fds that
are not registered."""
import os
import select
import socket

from common import case, tcp_pair

c, a = tcp_pair()
p = select.poll()
ep = select.epoll()


def public(obj):
    return sorted(n for n in dir(obj) if not n.startswith('__'))


# ---- the types ----------------------------------------------------------------------------------
case('poll type name', lambda: (type(p).__name__, type(p).__module__, repr(type(p)) == "<type 'select.poll'>"))
case('epoll type name', lambda: (select.epoll.__name__, select.epoll.__module__,
                                 repr(select.epoll) == "<type 'select.epoll'>"))
case('epoll object type', lambda: type(ep) is select.epoll)
case('poll repr', lambda: repr(p).split(' at ')[0])
case('epoll repr', lambda: repr(ep).split(' at ')[0])
case('poll names', lambda: public(p))
case('epoll names', lambda: public(ep))
case('poll is a function', lambda: repr(select.poll).split(' at ')[0])
case('select is a function', lambda: repr(select.select).split(' at ')[0])
case('poll type not callable', lambda: type(p)())
case('poll not a base type', lambda: type('P', (type(p),), {}))
case('epoll not a base type', lambda: type('E', (select.epoll,), {}))
case('epoll type callable', lambda: type(ep)().closed)
case('poll attribute set', lambda: setattr(p, 'x', 1))
case('epoll attribute set', lambda: setattr(ep, 'x', 1))
case('epoll closed not writable', lambda: setattr(ep, 'closed', True))
case('epoll no context manager', lambda: hasattr(ep, '__enter__'))
case('fromfd from an instance', lambda: ep.fromfd(-1).closed)
case('no EPOLL_CLOEXEC', lambda: hasattr(select, 'EPOLL_CLOEXEC'))

# ---- epoll arguments ----------------------------------------------------------------------------
case('epoll sizehint keyword', lambda: select.epoll(sizehint=4).closed)
case('epoll flags refused', lambda: select.epoll(-1, 0))
case('epoll bad keyword', lambda: select.epoll(flags=0))
case('epoll sizehint 0', lambda: select.epoll(0))
case('epoll sizehint -2', lambda: select.epoll(-2))
case('epoll sizehint float', lambda: select.epoll(1.0))
case('epoll sizehint huge', lambda: select.epoll(1 << 40))
case('epoll poll keywords', lambda: ep.poll(timeout=0, maxevents=3))
case('epoll poll bad keyword', lambda: ep.poll(foo=1))
case('epoll poll both ways', lambda: ep.poll(0, timeout=0))
case('epoll poll None', lambda: ep.poll(None))
case('epoll poll str', lambda: ep.poll('1'))
case('epoll poll 3 args', lambda: ep.poll(0, 1, 2))
case('epoll poll maxevents float', lambda: ep.poll(0, 1.0))
case('epoll poll maxevents huge', lambda: ep.poll(0, 1 << 40))
case('epoll poll maxevents -1', lambda: ep.poll(0, -1))
case('epoll poll maxevents -2', lambda: ep.poll(0, -2))
case('epoll poll bool', lambda: ep.poll(False, True))
case('epoll poll too large', lambda: ep.poll(1e10))
case('epoll register keywords', lambda: ep.register(fd=c.fileno(), eventmask=select.EPOLLOUT))
case('epoll registered', lambda: ep.poll(1) == [(c.fileno(), select.EPOLLOUT)])
case('epoll register no fd', lambda: ep.register())
case('epoll register 3 args', lambda: ep.register(1, 2, 3))
case('epoll register float mask', lambda: ep.register(a.fileno(), 1.0))
case('epoll register str mask', lambda: ep.register(a.fileno(), 'x'))
case('epoll register negative fd', lambda: ep.register(-1))
case('epoll register huge fd', lambda: ep.register(1 << 40))
case('epoll register object', lambda: ep.register(object()))
case('epoll register None', lambda: ep.register(None))
case('epoll modify no mask', lambda: ep.modify(c.fileno()))
case('epoll modify unregistered fd', lambda: ep.modify(a.fileno(), select.EPOLLIN))
case('epoll unregister unregistered fd', lambda: ep.unregister(a.fileno()))
case('epoll unregister keyword', lambda: ep.unregister(fd=c.fileno()))
case('epoll fileno argument', lambda: ep.fileno(1))
case('epoll close argument', lambda: ep.close(1))
case('fromfd keyword', lambda: select.epoll.fromfd(fd=-1))
case('fromfd no argument', lambda: select.epoll.fromfd())
case('epoll socket object', lambda: (ep.register(a, select.EPOLLOUT), ep.poll(1, 4) == [(a.fileno(), select.EPOLLOUT)]))
ep.unregister(a)

# ---- poll arguments -----------------------------------------------------------------------------
case('poll register keyword', lambda: p.register(fd=0))
case('poll register no argument', lambda: p.register())
case('poll register 3 args', lambda: p.register(0, 1, 2))
case('poll modify one argument', lambda: p.modify(0))
case('poll unregister no argument', lambda: p.unregister())
case('poll poll keyword', lambda: p.poll(timeout=0))
case('poll poll 2 args', lambda: p.poll(1, 2))
case('poll poll str', lambda: p.poll('1'))
case('poll poll float', lambda: p.poll(0.5))
case('poll poll None', lambda: p.poll(None) if False else p.poll(0))
case('poll() with an argument', lambda: select.poll(1))
case('poll register object', lambda: p.register(object()))
case('poll register fileno negative', lambda: p.register(type('F', (object,), {'fileno': lambda self: -3})()))
case('poll register fileno raises', lambda: p.register(type('F', (object,), {'fileno': lambda self: 1 // 0})()))
case('poll modify unregistered', lambda: p.modify(a, select.POLLIN))


def unregister_unregistered():
    try:
        p.unregister(a.fileno())
    except KeyError as e:   # the key is the fd number (processes number their fds differently)
        return ('KeyError', e.args == (a.fileno(),))


case('poll unregister unregistered', unregister_unregistered)
case('poll socket object', lambda: (p.register(c, select.POLLOUT), p.poll(1000) == [(c.fileno(), select.POLLOUT)]))
case('poll two sockets', lambda: (p.register(a, select.POLLOUT), sorted(p.poll(1000)) == sorted(
    [(c.fileno(), select.POLLOUT), (a.fileno(), select.POLLOUT)])))
case('poll reregister replaces the mask', lambda: (p.register(c, select.POLLIN), p.poll(1000) == [(a.fileno(), select.POLLOUT)]))
case('poll unregister', lambda: (p.unregister(a), p.poll(0)))


# ---- select arguments ---------------------------------------------------------------------------
case('select keywords', lambda: select.select(rlist=[], wlist=[], xlist=[]))
case('select 2 args', lambda: select.select([], []))
case('select 5 args', lambda: select.select([], [], [], 0, 1))
case('select tuple', lambda: select.select((a,), (c,), (), 0) == ([], [c], []))
case('select iterator', lambda: select.select(iter([c]), [], [], 0) == ([], [], []))
case('select fileno non-int', lambda: select.select([type('F', (object,), {'fileno': lambda self: '3'})()], [], [], 0))
case('select fileno raises', lambda: select.select([type('F', (object,), {'fileno': lambda self: 1 // 0})()], [], [], 0))
case('select same object twice', lambda: select.select([], [c, c, a], [], 0) == ([], [c, c, a], []))

# ---- closed objects -----------------------------------------------------------------------------
s = socket.socket()
s.close()
case('poll register closed socket', lambda: p.register(s))
case('poll modify closed socket', lambda: p.modify(s, select.POLLIN))
case('poll unregister closed socket', lambda: p.unregister(s))
case('epoll register closed socket', lambda: ep.register(s))
case('epoll unregister closed socket', lambda: ep.unregister(s))
case('select closed socket object', lambda: select.select([], [s], [], 0))
d = socket.socket()
d.bind(('127.0.0.1', 0))
dfd = d.fileno()
p2 = select.poll()
p2.register(d, select.POLLIN)
d.close()
case('poll a socket closed after register', lambda: p2.poll(0) == [(dfd, select.POLLNVAL)] or p2.poll(0))
p2.register(c, select.POLLOUT)   # with a live socket beside it
case('poll a closed socket beside a live one', lambda: sorted(p2.poll(0)) == sorted(
    [(dfd, select.POLLNVAL), (c.fileno(), select.POLLOUT)]) or p2.poll(0))
# A poll object polled again and again (its fd array is kept between calls): a mask changed,
# a socket closed, its fd number taken by a new socket (CPython polls the raw number).
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(('127.0.0.1', 0))
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2.bind(('127.0.0.1', 0))
u2.sendto(b'x', u1.getsockname())
p3 = select.poll()
p3.register(u1, select.POLLIN)
p3.register(u2, select.POLLIN)
u1fd = u1.fileno()


def named(result):
    return sorted(('u1' if fd == u1fd else 'u2' if fd == u2.fileno() else 'other', ev) for fd, ev in result)


case('repeated poll', lambda: [named(p3.poll(0)) for _ in range(3)])
case('repeated poll after modify', lambda: (p3.modify(u2, select.POLLOUT), [named(p3.poll(0)) for _ in range(2)]))
case('repeated poll after modify back', lambda: (p3.modify(u2, select.POLLIN), named(p3.poll(0))))
u1.close()
case('repeated poll of a closed socket', lambda: [named(p3.poll(0)) for _ in range(2)])


def take_number(fd):
    """A new UDP socket on fd's number: the lowest free number, which CPython gets at once; a
    JVM may hold a number briefly (class loading, the JIT), so retry for a while, keeping the
    sockets that got other numbers open until one gets fd's."""
    import time
    others = []
    try:
        for _ in range(300):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            if s.fileno() == fd:
                return s
            others.append(s)
            if len(others) > 20:
                others.pop(0).close()
            time.sleep(0.01)
        return s
    finally:
        for o in others:
            o.close()


u3 = take_number(u1fd)   # takes u1's number
case('closed socket number reused', lambda: u3.fileno() == u1fd)
case('poll a closed socket whose number was reused', lambda: [named(p3.poll(0)) for _ in range(2)])
case('poll it with a timeout', lambda: named(p3.poll(50)))
u3.close()
case('reused number closed again', lambda: named(p3.poll(0)))
case('unregister the closed socket by number', lambda: (p3.unregister(u1fd), named(p3.poll(0))))
u2.close()
ep.close()
case('closed epoll register', lambda: ep.register(0))
case('closed epoll register bad args', lambda: ep.register(object(), 'x'))
case('closed epoll modify', lambda: ep.modify(0, 1))
case('closed epoll unregister', lambda: ep.unregister(0))
case('closed epoll poll', lambda: ep.poll(0))
case('closed epoll poll bad args', lambda: ep.poll('x'))
case('closed epoll fileno', lambda: ep.fileno())
case('closed epoll close again', lambda: (ep.close(), ep.closed))
c.close()
a.close()


# ---- poll objects shared between threads ------------------------------------------------------
def unregister_during_poll():
    """A thread unregisters an entry while another waits in poll(): the poll reports the entry
    that became ready by its own fd (CPython polls its own copy of the array)."""
    import threading
    import time
    pairs = [socket.socketpair() for _ in range(3)]
    names = dict((s.fileno(), n) for n, (s, _) in zip('abc', pairs))
    p = select.poll()
    for s, _ in pairs:
        p.register(s.fileno(), select.POLLIN)
    res = []
    t = threading.Thread(target=lambda: res.append(p.poll(5000)))
    t.start()
    time.sleep(0.5)
    p.unregister(pairs[0][0].fileno())
    pairs[1][1].send('x')
    t.join()
    after = p.poll(0)
    for x, y in pairs:
        x.close()
        y.close()
    return [(names[fd], ev) for fd, ev in res[0]], [(names[fd], ev) for fd, ev in after]


case('unregister during a blocking poll', unregister_during_poll)


def two_pollers_and_a_churner():
    """Two threads poll one object while a third registers and unregisters: a poll either runs
    or raises RuntimeError('concurrent poll() invocation'); every result names a registered fd
    with POLLIN."""
    import threading
    import time
    pairs = [socket.socketpair() for _ in range(3)]
    for _, w in pairs:
        w.send('x')
    valid = set(s.fileno() for s, _ in pairs)
    p = select.poll()
    p.register(pairs[0][0], select.POLLIN)
    p.register(pairs[1][0], select.POLLIN)
    stop = time.time() + 1.5
    kinds = set()
    bad = []

    def poller():
        while time.time() < stop:
            try:
                for fd, ev in p.poll(0):
                    if fd not in valid or ev != select.POLLIN:
                        bad.append((fd, ev))
            except RuntimeError as e:
                kinds.add('RuntimeError: %s' % e)
            except Exception as e:
                kinds.add('%s: %s' % (type(e).__name__, e))

    def churn():
        while time.time() < stop:
            try:
                p.register(pairs[2][0], select.POLLIN)
                p.unregister(pairs[2][0])
            except Exception as e:
                kinds.add('churn %s: %s' % (type(e).__name__, e))
    ts = [threading.Thread(target=f) for f in (poller, poller, churn)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for x, y in pairs:
        x.close()
        y.close()
    return sorted(kinds - set(['RuntimeError: concurrent poll() invocation'])), bad[:5]


case('two threads polling one object while a third registers', two_pollers_and_a_churner)
