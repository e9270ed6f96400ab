"""The socket type itself: subclassing socket.socket and _socket.socket from Python (attributes,
__slots__, overridden data methods calling the base, special methods, isinstance, repr), and
recv_into / recvfrom_into into every writable buffer kind (bytearray, memoryview and slices of
it, array.array of several item types), including offsets, nbytes and short reads."""
import array
import socket
import sys

from common import case, tcp_pair

import _socket

PY3 = sys.version_info[0] >= 3


def udp_pair():
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(('127.0.0.1', 0))
    b.bind(('127.0.0.1', 0))
    a.settimeout(5)
    b.settimeout(5)
    return a, b


# ---- subclasses of socket.socket (CPython 2.7: _socketobject) -----------------------------------

class Counting(socket.socket):
    """Counts what goes through send/recv, calling the base's methods."""

    def __init__(self, *args, **kw):
        super(Counting, self).__init__(*args, **kw)
        self.sent = 0
        self.received = 0

    def send(self, data, flags=0):
        n = super(Counting, self).send(data, flags)
        self.sent += n
        return n

    def recv(self, n, flags=0):
        data = super(Counting, self).recv(n, flags)
        self.received += len(data)
        return data


def counting_roundtrip():
    l = socket.socket()
    l.bind(('127.0.0.1', 0))
    l.listen(1)
    c = Counting()
    c.connect(l.getsockname())
    a, _ = l.accept()
    l.close()
    r = [c.send(b'hello'), a.recv(10), a.send(b'world!'), c.recv(3), c.recv(10), c.sent, c.received,
         isinstance(c, socket.socket), type(c).__name__]
    c.close()
    a.close()
    return r


case('socketobject subclass overrides and counters', counting_roundtrip)

# ---- subclasses of _socket.socket (the type: what ssl.SSLSocket subclasses) ---------------------


class Real(_socket.socket):
    """A subclass of the type with an instance dict and extra methods."""

    def __init__(self, *args):
        _socket.socket.__init__(self, *args)
        self.tag = 'real'

    def recv(self, n, flags=0):
        return b'<' + _socket.socket.recv(self, n, flags) + b'>'

    def sendall(self, data, flags=0):
        return _socket.socket.sendall(self, data.upper(), flags)

    def kind(self):
        return (self.family, self.type, self.tag)


class Slotted(_socket.socket):
    __slots__ = ('extra',)


class Special(_socket.socket):
    """Overrides the special methods Jython calls on the Java object."""

    def __repr__(self):
        return '<Special fd>'

    def __str__(self):
        return 'special'

    def __hash__(self):
        return 42

    def __eq__(self, other):
        return isinstance(other, Special)

    def __ne__(self, other):
        return not isinstance(other, Special)

    def __nonzero__(self):
        return False

    __bool__ = __nonzero__

    def __len__(self):
        return 7

    def __getattr__(self, name):
        return 'missing:' + name


def real_pair():
    l = socket.socket()
    l.bind(('127.0.0.1', 0))
    l.listen(1)
    r = Real(socket.AF_INET, socket.SOCK_STREAM)
    r.connect(l.getsockname())
    a, _ = l.accept()
    l.close()
    return r, a


def real_roundtrip():
    r, a = real_pair()
    try:
        r.sendall(b'abc')
        got = a.recv(10)
        a.sendall(b'xyz')
        back = r.recv(10)
        return [got, back, r.kind(), isinstance(r, _socket.socket), issubclass(Real, _socket.socket),
                type(r) is Real, r.fileno() > 2]
    finally:
        r.close()
        a.close()


case('type subclass: overridden recv/sendall call the base', real_roundtrip)


def real_attributes():
    r = Real()
    try:
        r.other = 5
        r.__dict__['more'] = 6
        del r.other
        return [sorted(k for k in r.__dict__), r.more, hasattr(r, 'other'), r.gettimeout(),
                Real.__name__, Real.__module__ == __name__]
    finally:
        r.close()


case('type subclass: instance dict', real_attributes)


def slotted():
    s = Slotted()
    try:
        s.extra = 'x'
        out = [s.extra]
        try:
            s.nothere = 1
            out.append('assigned')
        except AttributeError as e:
            out.append('AttributeError')
        del s.extra
        out.append(hasattr(s, 'extra'))
        out.append(hasattr(s, '__dict__'))
        return out
    finally:
        s.close()


case('type subclass: __slots__', slotted)


def special():
    s = Special()
    t = Special()
    try:
        return [repr(s), str(s), hash(s), s == t, s != t, s == 1, bool(s), len(s), s.nothing,
                '%s' % s, {s: 1}[t]]
    finally:
        s.close()
        t.close()


case('type subclass: special methods', special)


def default_repr():
    s = Real()
    fd = s.fileno()
    text = repr(s)
    s.close()
    return [text == '<socket object, fd=%d, family=2, type=1, protocol=0>' % fd, repr(s)]


case('type subclass: repr of the base', default_repr)


def closed_subclass():
    r = Real()
    r.close()
    out = []
    for call in (lambda: r.recv(1), lambda: r.send(b'x'), lambda: r.recv_into(bytearray(1)),
                 lambda: r.sendto(b'x', ('127.0.0.1', 9))):
        try:
            call()
            out.append('ok')
        except socket.error as e:
            out.append(e.args[0])
    return out


case('type subclass: closed socket raises EBADF', closed_subclass)


def unbound_calls():
    c, a = tcp_pair()
    try:
        _socket.socket.send(c._sock if hasattr(c, '_sock') else c, b'unbound')
        return _socket.socket.recv(a._sock if hasattr(a, '_sock') else a, 100)
    finally:
        c.close()
        a.close()


case('unbound base methods', unbound_calls)


def wrong_self():
    try:
        _socket.socket.recv(object(), 1)
        return 'no error'
    except TypeError:
        return 'TypeError'


case('unbound method with a non-socket', wrong_self)

# ---- recv_into / recvfrom_into into every buffer kind ------------------------------------------


def into(make, nbytes=None, offset=None, payload=b'0123456789'):
    c, a = tcp_pair()
    try:
        c.sendall(payload)
        target = make()
        view = target if offset is None else memoryview(target)[offset:]
        if nbytes is None:
            n = a.recv_into(view)
        else:
            n = a.recv_into(view, nbytes)
        if isinstance(target, array.array):
            shown = target.tostring() if not PY3 else target.tobytes()
        elif isinstance(target, memoryview):
            shown = target.tobytes()
        else:
            shown = bytes(target)
        return [n, shown]
    finally:
        c.close()
        a.close()


case('recv_into bytearray', lambda: into(lambda: bytearray(16)))
case('recv_into bytearray nbytes', lambda: into(lambda: bytearray(16), 4))
case('recv_into bytearray short', lambda: into(lambda: bytearray(4)))
case('recv_into memoryview', lambda: into(lambda: memoryview(bytearray(16))))
case('recv_into memoryview slice', lambda: into(lambda: bytearray(b'-' * 16), None, 3))
case('recv_into memoryview slice nbytes', lambda: into(lambda: bytearray(b'-' * 16), 5, 2))
case('recv_into array b', lambda: into(lambda: array.array('b', [0] * 12)))
case('recv_into array B nbytes', lambda: into(lambda: array.array('B', [1] * 12), 6))
case('recv_into array i', lambda: into(lambda: array.array('i', [0] * 4), 8))
case('recv_into array i whole', lambda: into(lambda: array.array('i', [0] * 2)))
case('recv_into array h', lambda: into(lambda: array.array('h', [0] * 8)))
case('recv_into bytes is an error', lambda: into(lambda: b'x' * 16))
case('recv_into too small', lambda: into(lambda: bytearray(4), 8))


def from_into(make, nbytes=None, offset=None):
    a, b = udp_pair()
    try:
        a.sendto(b'datagram!', b.getsockname())
        target = make()
        view = target if offset is None else memoryview(target)[offset:]
        if nbytes is None:
            n, frm = b.recvfrom_into(view)
        else:
            n, frm = b.recvfrom_into(view, nbytes)
        shown = (target.tostring() if not PY3 else target.tobytes()) if isinstance(target, array.array) \
            else bytes(target)
        return [n, shown, frm == a.getsockname()]
    finally:
        a.close()
        b.close()


case('recvfrom_into bytearray', lambda: from_into(lambda: bytearray(12)))
case('recvfrom_into bytearray truncates', lambda: from_into(lambda: bytearray(12), 4))
case('recvfrom_into memoryview slice', lambda: from_into(lambda: bytearray(b'.' * 14), None, 4))
case('recvfrom_into array B', lambda: from_into(lambda: array.array('B', [0] * 12)))
case('recvfrom_into too big nbytes', lambda: from_into(lambda: bytearray(4), 9))


def recvfrom_same_sender():
    a, b = udp_pair()
    try:
        for i in range(3):
            a.sendto(b'p%d' % i if PY3 else 'p%d' % i, b.getsockname())
        got = [b.recvfrom(10) for _ in range(3)]
        b.sendto(b'back', got[2][1])
        return [g[0] for g in got] + [got[0][1] == got[2][1] == a.getsockname(), a.recvfrom(10)[0]]
    finally:
        a.close()
        b.close()


case('recvfrom repeated sender and reply', recvfrom_same_sender)


def sendto_address_kinds():
    a, b = udp_pair()
    port = b.getsockname()[1]
    try:
        out = []
        for addr in (('127.0.0.1', port), (u'127.0.0.1', port), ('localhost', port), ['127.0.0.1', port]):
            try:
                out.append(a.sendto(b'k', addr))
                out.append(b.recvfrom(5)[0])
            except Exception as e:  # noqa: BLE001 (the exception is the outcome)
                out.append(type(e).__name__)
        addr = ('127.0.0.1', port)
        for _ in range(3):
            out.append(a.sendto(b'same', 0, addr))
        out.extend(b.recv(10) for _ in range(3))
        return out
    finally:
        a.close()
        b.close()


case('sendto address kinds and repeats', sendto_address_kinds)
