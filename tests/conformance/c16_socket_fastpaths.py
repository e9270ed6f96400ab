"""The socket object's paths that run in Java on the plug-in, against CPython 2.7.18: socket()
argument checks and attributes, connect/connect_ex with numeric and other addresses, fileno and
close (counts, messages, twice), socket.py's delegating methods (unbound/bound method kinds,
keyword and count errors), the holder count shared by dup() and makefile(), default timeouts,
and send/sendall of str (including large and binary data) against recv."""
import socket
import threading

from common import case, dead_port, expect, listener, tcp_pair

import _socket

# ---- socket() and its attributes --------------------------------------------------------------
case('socket() family/type/proto', lambda: (lambda s: (s.family, s.type, s.proto))(socket.socket()))
case('socket(AF_INET, SOCK_DGRAM)', lambda: (lambda s: (s.family, s.type, s.proto))(
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM)))
case('socket(2L, 1L, 0L)', lambda: (lambda s: (s.family, s.type))(socket.socket(2, 1, 0)))
case('socket(True)', lambda: socket.socket(True))
case('socket(2.0)', lambda: socket.socket(2.0))
case('socket("2")', lambda: socket.socket('2'))
case('socket(None)', lambda: socket.socket(None))
case('socket(2**31)', lambda: socket.socket(2 ** 31))
case('socket(-2**31 - 1)', lambda: socket.socket(-2 ** 31 - 1))
case('socket(2, 2**31)', lambda: socket.socket(2, 2 ** 31))
case('socket(2, 1, 2**40)', lambda: socket.socket(2, 1, 2 ** 40))
case('socket(12345)', lambda: socket.socket(12345))
case('socket(AF_INET, 999)', lambda: socket.socket(socket.AF_INET, 999))
case('_socket.socket() attributes', lambda: (lambda s: (s.family, s.type, s.proto, s.gettimeout()))(
    _socket.socket()))
case('gettimeout() fresh', lambda: socket.socket().gettimeout())
case('timeout attribute of _socket.socket', lambda: _socket.socket().timeout)


def default_timeouts():
    out = []
    try:
        for t in (2.5, 0.0, 1e12, None):
            socket.setdefaulttimeout(t)
            s = socket.socket()
            a, b = socket.socketpair()
            out.append((s.gettimeout(), a.gettimeout(), _socket.socket().gettimeout()))
            s.close()
            a.close()
            b.close()
    finally:
        socket.setdefaulttimeout(None)
    return out


case('setdefaulttimeout then socket()/socketpair()', default_timeouts)

# ---- connect / connect_ex ---------------------------------------------------------------------


def connect_to(addr, ex=False, family=socket.AF_INET):
    l = listener()
    port = l.getsockname()[1]
    c = socket.socket(family)
    try:
        target = addr(port) if callable(addr) else addr
        r = c.connect_ex(target) if ex else c.connect(target)
        return r, c.getpeername()[1] == port
    finally:
        c.close()
        l.close()


case('connect numeric', lambda: connect_to(lambda p: ('127.0.0.1', p)))
case('connect_ex numeric', lambda: connect_to(lambda p: ('127.0.0.1', p), True))
case('connect localhost', lambda: connect_to(lambda p: ('localhost', p)))
case('connect unicode host', lambda: connect_to(lambda p: (u'127.0.0.1', p)))
case('connect long port', lambda: connect_to(lambda p: ('127.0.0.1', long(p))))  # noqa: F821
case('connect 127.1 short form', lambda: connect_to(lambda p: ('127.1', p)))
case('connect leading zero 127.000.0.1', lambda: connect_to(lambda p: ('127.000.0.1', p)))
case('connect list address', lambda: connect_to(lambda p: ['127.0.0.1', p]))
case('connect 3-tuple', lambda: connect_to(lambda p: ('127.0.0.1', p, 0)))
case('connect port 65536', lambda: connect_to(('127.0.0.1', 65536)))
case('connect port -1', lambda: connect_to(('127.0.0.1', -1)))
case('connect port float', lambda: connect_to(('127.0.0.1', 80.0)))
case('connect port True', lambda: connect_to(('127.0.0.1', True), True))
case('connect host None', lambda: connect_to((None, 80)))
case('connect 256.0.0.1', lambda: connect_to(('256.0.0.1', 80)))
case('connect 1.2.3.4.5', lambda: connect_to(('1.2.3.4.5', 80)))
case('connect empty host', lambda: connect_to(lambda p: ('', p), True))
case('connect refused', lambda: connect_to(('127.0.0.1', dead_port())))
case('connect_ex refused', lambda: connect_to(('127.0.0.1', dead_port()), True))
case('connect ::1 on AF_INET6', lambda: connect_to(lambda p: ('::1', p), True, socket.AF_INET6))
case('connect no argument', lambda: socket.socket().connect())
case('connect two arguments', lambda: socket.socket().connect(('127.0.0.1', 1), 2))
case('connect keyword', lambda: socket.socket().connect(address=('127.0.0.1', 1)))
case('_sock.connect keyword', lambda: socket.socket()._sock.connect(address=('127.0.0.1', 1)))
case('_sock.connect no argument', lambda: socket.socket()._sock.connect())
case('_sock.connect_ex two arguments', lambda: socket.socket()._sock.connect_ex(1, 2))


def nonblocking_connect():
    l = listener()
    c = socket.socket()
    c.setblocking(False)
    try:
        return c.connect_ex(l.getsockname()), c.gettimeout()
    finally:
        c.close()
        l.close()


case('non-blocking connect_ex', nonblocking_connect)

# ---- fileno / close ---------------------------------------------------------------------------


def close_twice():
    s = socket.socket()
    fd_ok = s.fileno() > 2
    s.close()
    s.close()
    r = _socket.socket()
    r.close()
    r.close()
    return fd_ok


case('close twice', close_twice)
case('fileno after close', lambda: (lambda s: (s.close(), s.fileno()))(socket.socket()))
case('fileno(1)', lambda: socket.socket().fileno(1))
case('_sock.fileno(1)', lambda: socket.socket()._sock.fileno(1))
case('_sock.close(1)', lambda: socket.socket()._sock.close(1))
case('connect after close', lambda: (lambda s: (s.close(), s.connect(('127.0.0.1', 1))))(socket.socket()))
case('_sock.connect after close', lambda: (lambda s: (s.close(), s.connect(('127.0.0.1', 1))))(
    _socket.socket()))
case('sendall after close', lambda: (lambda s: (s.close(), s.sendall('x')))(socket.socket()))


def raw_closed():
    """A closed _socket.socket: fileno() is -1, the timeout stays readable and settable (CPython
    keeps it in the object), repr shows fd=-1, the I/O and option methods raise EBADF."""
    r = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    r.settimeout(3)
    r.close()
    out = [r.fileno(), r.gettimeout(), repr(r)]
    r.settimeout(2.5)
    out.append(r.gettimeout())
    r.setblocking(0)
    out.append(r.gettimeout())
    for bad in (-1, 'x'):
        try:
            r.settimeout(bad)
        except Exception as e:
            out.append((type(e).__name__, e.args))
    for call in (lambda: r.getsockname(), lambda: r.recv(1), lambda: r.send('x'),
                 lambda: r.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), lambda: r.shutdown(2)):
        try:
            call()
        except Exception as e:
            out.append((type(e).__name__, e.args))
    return out


case('_socket.socket after close', raw_closed)


def connect_after_refused(timeout):
    """A connect refused, then connect again on the same socket: in blocking mode the socket
    starts afresh (refused again, then a live listener accepts it, then EISCONN); in timeout
    mode the kernel answers the second connect with ECONNABORTED, on CPython as here. (A third
    connect in timeout mode is a documented difference: EISCONN here, None on CPython.)"""
    port = dead_port()
    lis = listener()
    out = []
    s = socket.socket()
    s.settimeout(timeout)
    out.append(s.connect_ex(('127.0.0.1', port)))
    again = [lis.getsockname()] if timeout is None else []
    for addr in [('127.0.0.1', port), lis.getsockname()] + again:
        try:
            out.append(s.connect(addr))
        except socket.error as e:
            out.append(e.args)
    s.close()
    lis.close()
    return out


case('connect after a refused connect, blocking', lambda: connect_after_refused(None))


def uninitialised():
    """A _socket.socket made by __new__ alone (no __init__): no socket, fileno -1, close does
    nothing, and socket.socket(_sock=...) wraps it."""
    r = _socket.socket.__new__(_socket.socket)
    w = socket.socket(_sock=_socket.socket.__new__(_socket.socket))
    return r.fileno(), r.close(), type(w).__name__, w.close()


case('_socket.socket.__new__ without __init__', uninitialised)
case('connect after a refused connect, timeout mode', lambda: connect_after_refused(5.0))

# ---- socket.py's delegating methods -----------------------------------------------------------
case('type(socket.socket.connect)', lambda: type(socket.socket.connect).__name__)
case('socket.socket.connect repr', lambda: repr(socket.socket.connect))
case('bound connect name', lambda: socket.socket().connect.__name__)
case('connect doc', lambda: socket.socket.connect.__doc__)
case('fileno doc', lambda: socket.socket.fileno.__doc__)
case('unbound call', lambda: socket.socket.fileno(socket.socket()) > 2)
case('getattr of methods', lambda: [callable(getattr(socket.socket(), m)) for m in (
    'bind', 'connect', 'connect_ex', 'fileno', 'listen', 'getpeername', 'getsockname', 'getsockopt',
    'setsockopt', 'sendall', 'setblocking', 'settimeout', 'gettimeout', 'shutdown')])
case('getsockopt via wrapper', lambda: socket.socket().getsockopt(socket.SOL_SOCKET, socket.SO_TYPE))
case('settimeout via wrapper', lambda: (lambda s: (s.settimeout(1.5), s.gettimeout()))(socket.socket()))


class Sub(_socket.socket):
    """A subclass of the real socket overriding connect and sendall."""

    def connect(self, address):
        return 'sub-connect %d' % address[1]

    def sendall(self, data, flags=0):
        return 'sub-sendall %d' % len(data)


case('wrapper calls a subclass override', lambda: (
    lambda w: (w.connect(('x', 1)), w.sendall('abc')))(socket.socket(_sock=Sub())))

# ---- holders: dup() and makefile() -------------------------------------------------------------


def holders():
    c, a = tcp_pair()
    d = c.dup()
    f = c.makefile('rb')
    c.close()
    a.sendall('one\n')
    line1 = f.readline()
    d.close()
    a.sendall('two\n')
    line2 = f.readline()
    f.close()
    a.settimeout(2)
    eof = a.recv(10)
    a.close()
    return line1, line2, eof


case('dup/makefile keep the fd until the last closes', holders)

# ---- send / sendall of str --------------------------------------------------------------------


def transfer(chunks, use_send=False):
    c, a = tcp_pair()
    data = ''.join(chunks)
    got = []

    def reader():
        while True:
            x = a.recv(262144)
            if not x:
                break
            got.append(x)
    t = threading.Thread(target=reader)
    t.start()
    for ch in chunks:
        if use_send:
            sent = 0
            while sent < len(ch):
                sent += c.send(ch[sent:])
        else:
            c.sendall(ch)
    c.shutdown(socket.SHUT_WR)
    t.join(30)
    c.close()
    a.close()
    whole = ''.join(got)
    return len(whole), whole == data


binary = ''.join(chr(i % 256) for i in range(300007))
case('sendall of 1 MiB + binary str', lambda: transfer(['y' * 1048576, binary, '', '\0\xff']))
case('send loop of binary str', lambda: transfer([binary] * 3, True))
case('send(str, flags)', lambda: (lambda c, a: (c.send('abc', 0), a.recv(10)))(*tcp_pair()))
case('sendall(str, flags)', lambda: (lambda c, a: (c.sendall('abc', 0), a.recv(10)))(*tcp_pair()))
case('sendall(unicode)', lambda: (lambda c, a: (c.sendall(u'abc'), a.recv(10)))(*tcp_pair()))
case('sendall(unicode non-ascii)', lambda: (lambda c, a: c.sendall(u'\xe9'))(*tcp_pair()))
case('send(str subclass)', lambda: (lambda c, a: (c.send(type('S', (str,), {})('abc')), a.recv(10)))(
    *tcp_pair()))
case('sendall(str, 2**40)', lambda: (lambda c, a: c.sendall('abc', 2 ** 40))(*tcp_pair()))
case('send(str, "x")', lambda: (lambda c, a: c.send('abc', 'x'))(*tcp_pair()))
case('send non-blocking full', lambda: (lambda c, a: (c.setblocking(False), [c.send('z' * 65536) for _ in range(400)]))(
    *tcp_pair()))
expect('sendall with timeout to a reader', lambda: transfer(['q' * 500000]))


def recv_trunc():
    """recv/recvfrom with MSG_TRUNC report a datagram's real length (also past the 64 KiB the
    plug-in receives into at first); the bytes that fit are the datagram's."""
    out = []
    u1, u2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    for size in (100, 100000):
        u1.send('C' * size)
        r = u2.recv(4, socket.MSG_TRUNC)
        out.append((len(r), r[:4]))
    u1.send('D' * 10)
    r, addr = u2.recvfrom(4, socket.MSG_TRUNC)
    out.append((len(r), r[:4]))
    u1.close()
    u2.close()
    return out


case('recv/recvfrom with MSG_TRUNC', recv_trunc)
