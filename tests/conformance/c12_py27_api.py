"""CPython 2.7's socket/select API details: every buffer type in the data methods, the module
names 2.7 has, socket._sock/_socketobject and dup(), makefile's exact read(n)/flush semantics,
select over a mutated list, timeouts out of range."""
import array
import select
import socket
import sys

from common import case, tcp_pair

# ---- names: what CPython 2.7.18 has and the plug-in must have too -----------------------------
# py27_names.txt is dir() of CPython 2.7.18's socket, _socket, select, a socket object and its
# _sock, made with tests/conformance/py27_names.py on CPython 2.7.18. Not counted as missing:
# CAPI (a C API capsule), _ssl (the C module), sslerror (socket imports it from _ssl; ssl.SSLError
# is the class), RAND_egd, and the loop variables 2.7's socket.py leaves behind (_m, m, meth, p).
import _socket  # noqa: E402

SKIP = set(['CAPI', '_ssl', 'sslerror', '_m', 'm', 'meth', 'p', 'RAND_egd'])
EXPECTED = {}
for line in open('py27_names.txt'):
    key, _, names = line.strip().partition(' ')
    EXPECTED[key] = names.split()


def missing(mod):
    """Names CPython 2.7.18 has in mod that this interpreter lacks."""
    return sorted(n for n in EXPECTED[mod.__name__] if not hasattr(mod, n) and n not in SKIP)


for mod in (socket, _socket, select):
    case('%s names missing' % mod.__name__, lambda: missing(mod))
s = socket.socket()
case('socket object names missing', lambda: sorted(
    n for n in EXPECTED['sockobj'] if not hasattr(s, n) and n != '__sizeof__'))
case('real socket names missing', lambda: sorted(
    n for n in EXPECTED['realsock'] if not hasattr(s._sock, n) and n != '__sizeof__'))
case('constants', lambda: (socket.SOMAXCONN, socket.IPPORT_RESERVED, socket.IPPORT_USERRESERVED,
                          select.PIPE_BUF, socket.NETLINK_ROUTE, socket.PF_PACKET, socket.TIPC_ADDR_ID))

# ---- socket object structure ------------------------------------------------------------------
case('types', lambda: (type(s).__name__, type(s._sock).__name__, socket.socket is socket._socketobject,
                       socket.SocketType is socket._socketobject, socket._realsocket is _socket.socket))
d = s.dup()
case('dup shares the fd', lambda: (d.fileno() == s.fileno(), type(d).__name__))
d.close()
case('dup closed, original open', lambda: s.fileno() > 0)
case('timeout attribute', lambda: (s._sock.timeout, s.settimeout(2.5), s._sock.timeout))
s.close()
case('closed: attribute', lambda: s.family)
case('closed: fileno', lambda: s.fileno())
case('closed: recv', lambda: s.recv(1))
case('closed: _sock type', lambda: type(s._sock).__name__)
a, b = socket.socketpair()
case('socketpair types', lambda: (type(a).__name__, type(socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)).__name__))
a.close()
b.close()

# ---- settimeout values ------------------------------------------------------------------------
t = socket.socket()
case('settimeout True', lambda: (t.settimeout(True), t.gettimeout()))
case('settimeout 1e300', lambda: (t.settimeout(1e300), t.gettimeout()))
case('settimeout inf', lambda: (t.settimeout(float('inf')), t.gettimeout()))
case('settimeout long', lambda: (t.settimeout(10 ** 3), t.gettimeout()))
case('settimeout huge long', lambda: t.settimeout(10 ** 400))
case('setdefaulttimeout True', lambda: (socket.setdefaulttimeout(True), socket.getdefaulttimeout()))
socket.setdefaulttimeout(None)
case('shutdown overflow', lambda: t.shutdown(1 << 40))
case('listen overflow', lambda: t.listen(1 << 40))
case('recv overflow', lambda: t.recv(1 << 40))
case('htons/htonl', lambda: (socket.htons(0x12345), socket.htonl(0xffffffff), socket.ntohs(5)))
case('htonl long past 32 bits', lambda: socket.htonl(1L << 40))
case('getnameinfo flowinfo overflow', lambda: socket.getnameinfo(('::1', 0, 0xffffffff), 0))
case('htons too big', lambda: socket.htons(1 << 31))
case('htonl float', lambda: socket.htonl(1.5))
t.close()

# ---- every buffer type in the data methods ---------------------------------------------------
c, srv = tcp_pair()
srv.settimeout(5)
for label, data in (('str', 'str-data'), ('bytearray', bytearray('bytearray')),
                    ('memoryview', memoryview('memview')), ('array', array.array('c', 'array-c')),
                    ('array B', array.array('B', [65, 66, 67])), ('buffer', buffer('buffer-xyz', 7)),
                    ('unicode ascii', u'uni')):
    case('send %s' % label, lambda: (c.send(data), srv.recv(100)))
    case('sendall %s' % label, lambda: (c.sendall(data), srv.recv(100)))
case('send unicode non-ascii', lambda: c.send(u'\xe9'))
case('send list', lambda: c.send([1]))
case('sendall None', lambda: c.sendall(None))
case('sendto int', lambda: c.sendto(5, ('127.0.0.1', 1)))
c.sendall('0123456789')
arr = array.array('c', ' ' * 6)
case('recv_into array', lambda: (srv.recv_into(arr), arr.tostring()))
arrb = array.array('b', [0] * 4)
case('recv_into array b', lambda: (srv.recv_into(arrb), list(arrb)))
for label, target in (('str', 'abc'), ('buffer', buffer('abc')), ('readonly memoryview', memoryview('abc')),
                      ('int', 5), ('None', None)):
    case('recv_into %s' % label, lambda: srv.recv_into(target))
    case('recvfrom_into %s' % label, lambda: srv.recvfrom_into(target))
c.sendall('abcdef')
mv = memoryview(bytearray(8))
case('recv_into memoryview', lambda: (srv.recv_into(mv, 3), mv.tobytes()))
ba = bytearray(8)
case('recvfrom_into bytearray', lambda: (srv.recvfrom_into(ba, 3)[0], str(ba[:3])))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('127.0.0.1', 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for label, data in (('array', array.array('c', 'dgram')), ('buffer', buffer('dgram-buf')),
                    ('memoryview', memoryview('dgram-mv'))):
    case('sendto %s' % label, lambda: (v.sendto(data, u.getsockname()), u.recv(100)))
v.sendto('into', u.getsockname())
ua = array.array('c', ' ' * 8)
case('recvfrom_into array', lambda: (u.recvfrom_into(ua)[0], ua.tostring()))
u.close()
v.close()

# ---- makefile: 2.7's _fileobject semantics ----------------------------------------------------
f = srv.makefile('rb')
c.sendall('abcdefghij')
case('read(4) takes only 4 bytes', lambda: (f.read(4), select.select([srv], [], [], 1)[0] == [srv]))
case('rest is still in the kernel', lambda: srv.recv(100))
c.sendall('line1\nline2\nrest')
case('readline buffers the surplus', lambda: (f.readline(), select.select([srv], [], [], 0.2)[0] == []))
case('buffered lines', lambda: (f.readline(), f.read(4)))
f.close()
wf = c.makefile('wb', 4)
srv.close()   # the peer goes away: the write fails, the data stays buffered
case('flush keeps unsent data', lambda: (wf.write('x' * 10), wf._wbuf_len))
c.close()


# ---- select ----------------------------------------------------------------------------------
a_list = []


class Shrinking(object):
    def fileno(self):
        del a_list[-1]
        return sys.__stdout__.fileno()


a_list[:] = [Shrinking()] * 10
case('select mutated list', lambda: select.select([], a_list, [], 0) == ([], a_list[:5], []))
case('select negative timeout', lambda: select.select([], [], [], -1))
case('select huge timeout', lambda: select.select([], [], [], 1e300))
case('select long timeout', lambda: select.select([], [], [], 1 << 64))
case('select nan timeout', lambda: select.select([], [], [], float('nan')))
p = select.poll()
case('poll huge timeout', lambda: p.poll(1 << 64))
case('poll int overflow', lambda: p.poll(1 << 31))
case('poll float timeout', lambda: p.poll(1.5))
case('poll register mask -1', lambda: p.register(0, -1))
case('poll register mask big', lambda: p.register(0, 65536))
case('poll register mask huge', lambda: p.register(0, 1 << 64))
ep = select.epoll()
case('epoll huge timeout', lambda: ep.poll(1e300))
case('epoll bad sizehint', lambda: select.epoll('foo'))
ep.close()
