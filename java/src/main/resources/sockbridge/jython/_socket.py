"""Low-level socket module for Jython on sockbridge: CPython 2.7's _socket API over real
operating-system sockets (org.sockbridge.NativeSocket).

The socket type's data methods are Java (org.sockbridge.jython.PySocket, a Jython builtin type
this module's socket class subclasses); the other methods do their argument checks in Python, then
make one Java call. Java exceptions from the facade are turned into socket.error / timeout /
gaierror / herror with CPython's errno and message.
"""

import errno as _errno

import _sockbridge_signal
import struct as _struct

from java.lang import IllegalArgumentException as _JIllegalArgument
from java.util.concurrent.atomic import AtomicInteger as _AtomicInteger
from org.sockbridge import AddressLookupError as _JGaiError
from org.sockbridge import HostLookupError as _JHError
from org.sockbridge import NativeSocket as _NativeSocket
from org.sockbridge import Resolver as _Resolver
from org.sockbridge import SockAddr as _SockAddr
from org.sockbridge import SocketConstants as _Constants
from org.sockbridge import SocketError as _JSocketError
from org.sockbridge import SocketTimeout as _JSocketTimeout
from org.sockbridge.jython import PyBridge as _bridge

# ---- constants: the Linux values, read from the Java facade ---------------------------------

_PREFIXES = ('AF_', 'SOCK_', 'SOL_', 'SO_', 'IPPROTO_', 'IP_', 'IPV6_', 'TCP_', 'MSG_',
             'AI_', 'NI_', 'EAI_', 'SHUT_', 'INADDR_', 'SCM_')


def _load_constants(namespace):
    for field in _Constants.getFields():
        name = field.getName()
        if name.startswith(_PREFIXES):
            value = field.getInt(None)
            if name.startswith('INADDR_'):
                value &= 0xffffffff
            namespace[name] = value


_load_constants(globals())

# CPython 2.7's values on Linux that are not socket options.
SOMAXCONN = 4096
IPPORT_RESERVED = 1024
IPPORT_USERRESERVED = 5000

# CPython 2.7's AF_NETLINK, AF_PACKET and AF_TIPC constants (Linux values).
NETLINK_DNRTMSG = 14
NETLINK_FIREWALL = 3
NETLINK_IP6_FW = 13
NETLINK_NFLOG = 5
NETLINK_ROUTE = 0
NETLINK_USERSOCK = 2
NETLINK_XFRM = 6
PACKET_BROADCAST = 1
PACKET_FASTROUTE = 6
PACKET_HOST = 0
PACKET_LOOPBACK = 5
PACKET_MULTICAST = 2
PACKET_OTHERHOST = 3
PACKET_OUTGOING = 4
PF_PACKET = 17
TIPC_ADDR_ID = 3
TIPC_ADDR_NAME = 2
TIPC_ADDR_NAMESEQ = 1
TIPC_CFG_SRV = 0
TIPC_CLUSTER_SCOPE = 2
TIPC_CONN_TIMEOUT = 130
TIPC_CRITICAL_IMPORTANCE = 3
TIPC_DEST_DROPPABLE = 129
TIPC_HIGH_IMPORTANCE = 2
TIPC_IMPORTANCE = 127
TIPC_LOW_IMPORTANCE = 0
TIPC_MEDIUM_IMPORTANCE = 1
TIPC_NODE_SCOPE = 3
TIPC_PUBLISHED = 1
TIPC_SRC_DROPPABLE = 128
TIPC_SUBSCR_TIMEOUT = 3
TIPC_SUB_CANCEL = 4
TIPC_SUB_PORTS = 1
TIPC_SUB_SERVICE = 2
TIPC_TOP_SRV = 1
TIPC_WAIT_FOREVER = -1
TIPC_WITHDRAWN = 2
TIPC_ZONE_SCOPE = 1

# Jython extras, kept for existing Jython programs (not in CPython):
SO_TIMEOUT = 512       # setsockopt(SOL_SOCKET, SO_TIMEOUT, ms) == settimeout(ms / 1000.0)
IN6ADDR_ANY_INIT = '::'
has_ipv6 = True
_GLOBAL_DEFAULT_TIMEOUT = object()

# ---- exceptions: CPython 2.7's shapes --------------------------------------------------------


class error(IOError):
    """socket.error: args == (errno, strerror)."""


class herror(error):
    """Host lookup error: args == (h_errno, message)."""


class gaierror(error):
    """getaddrinfo error: args == (EAI_* code, message)."""


class timeout(error):
    """The socket's timeout elapsed: args == ('timed out',)."""


def _convert(e):
    """The Python exception for a Java exception from the facade. EINTR (a signal interrupted
    a blocking call) first runs the Python signal handlers, whose exceptions propagate."""
    if e.errno() == _errno.EINTR:
        _sockbridge_signal.run_pending()
    if isinstance(e, _JSocketTimeout):
        return timeout('timed out')
    text = str(e.strerror())
    if isinstance(e, _JGaiError):
        return gaierror(e.errno(), text)
    if isinstance(e, _JHError):
        return herror(e.errno(), text)
    if e.errno() == 0:
        return error(text)
    return error(e.errno(), text)



def _ebadf():
    return error(_errno.EBADF, 'Bad file descriptor')


# ---- argument checks -------------------------------------------------------------------------

def _int(value, what='an integer is required'):
    if not isinstance(value, (int, long)):
        if isinstance(value, float):
            raise TypeError('integer argument expected, got float')
        raise TypeError(what)
    return value


def _c_int(value, overflow='signed integer is greater than maximum'):
    value = _int(value)
    if not -2147483648 <= value <= 2147483647:
        if value < 0 and overflow.startswith('signed'):
            overflow = 'signed integer is less than minimum'
        raise OverflowError(overflow)
    return int(value)


def _timeout_value(value):
    """settimeout's argument as CPython 2.7 takes it (PyFloat_AsDouble: numbers, bool, objects
    with __float__; NaN and huge values are accepted)."""
    if value is None:
        return None
    if isinstance(value, float):
        f = value
    elif isinstance(value, basestring):
        raise TypeError('a float is required')
    else:
        try:
            f = float(value)
        except (TypeError, AttributeError):
            raise TypeError('a float is required')
    if f < 0.0:
        raise ValueError('Timeout value out of range')
    return f


_LONGEST_WAIT = 1e9   # seconds (31 years): what the native layer gets for huge or NaN timeouts


def _native_timeout(value):
    """The timeout the native layer is given for a Python timeout value."""
    if value is None or value <= _LONGEST_WAIT:
        return value
    return _LONGEST_WAIT   # larger, or NaN: CPython waits without end too


def _text(value, what):
    if isinstance(value, unicode):
        return value.encode('idna') if value else ''
    if isinstance(value, str):
        return value
    raise TypeError('%s must be string, not %s' % (what, type(value).__name__))


_numeric_cache = {}
_sockaddr_cache = {}   # (family, address tuple) -> SockAddr, for numeric hosts only


def _dotted_quad(host):
    parts = host.split('.')
    if len(parts) != 4:
        return False
    for p in parts:
        if not p.isdigit() or int(p) > 255:
            return False
    return True


def _ip_addr(family, host, port, flowinfo=0, scope_id=0):
    """A SockAddr for (host, port) in family, resolving names as CPython does."""
    key = (family, host, port, flowinfo, scope_id)
    cached = _numeric_cache.get(key)
    if cached is not None:
        return cached
    try:
        if host == '':
            text = '0.0.0.0' if family == AF_INET else '::'
            numeric = True
        elif host == '<broadcast>':
            if family != AF_INET:
                raise gaierror(EAI_ADDRFAMILY, 'Address family for hostname not supported')
            text, numeric = '255.255.255.255', True
        elif family == AF_INET6 and _dotted_quad(host):
            # CPython 2.7's setipaddr() takes a dotted quad as IPv4 whatever the family: on an
            # AF_INET6 socket the IPv6 address bytes stay zero, i.e. '::'.
            text, numeric = '::', True
        else:
            try:
                _Resolver.inetPton(family, host)
                text, numeric = host, True
            except _JSocketError:
                infos = _Resolver.getaddrinfo(host, None, family, 0, 0, 0)
                text, numeric = infos.get(0).address.host(), False
        if family == AF_INET:
            addr = _SockAddr.inet(text, port)
        else:
            addr = _SockAddr.inet6(text, port, flowinfo, scope_id)
    except _JSocketError, e:
        raise _convert(e)
    if numeric:
        if len(_numeric_cache) > 512:
            _numeric_cache.clear()
            _sockaddr_cache.clear()
        _numeric_cache[key] = addr
    return addr


def _sockaddr(family, address, what='getsockaddrarg'):
    """Converts a Python address for `family` into a SockAddr, with CPython's errors."""
    if family == AF_UNIX:
        if isinstance(address, unicode):
            address = address.encode('utf-8')
        if not isinstance(address, str):
            raise TypeError('%s: AF_UNIX address must be str, not %s' % (what, type(address).__name__))
        if len(address) > 108 or (len(address) == 108 and not address.startswith('\0')):
            raise error('AF_UNIX path too long')
        return _SockAddr.unix(_bridge.bytesOf(address))
    if family in (AF_INET, AF_INET6):
        if not isinstance(address, tuple):
            raise TypeError('getsockaddrarg: AF_%s address must be tuple, not %s'
                            % ('INET' if family == AF_INET else 'INET6', type(address).__name__))
        if family == AF_INET and len(address) != 2:
            raise TypeError('getsockaddrarg() takes exactly 2 arguments (%d given)' % len(address))
        if family == AF_INET6 and len(address) < 2:
            raise TypeError('function takes at least 2 arguments (%d given)' % len(address))
        if family == AF_INET6 and len(address) > 4:
            raise TypeError('function takes at most 4 arguments (%d given)' % len(address))
        host = address[0]
        if isinstance(host, unicode):
            host = host.encode('idna') if host else ''
        elif not isinstance(host, str):
            raise TypeError('coercing to Unicode: need string or buffer, %s found' % type(host).__name__)
        port = _int(address[1], 'an integer is required')
        if not 0 <= port <= 65535:
            raise OverflowError('getsockaddrarg: port must be 0-65535.')
        if family == AF_INET:
            addr = _ip_addr(family, host, port)
            if (family, host, port) in _numeric_cache or (family, host, port, 0, 0) in _numeric_cache:
                _sockaddr_cache[(family, address)] = addr
            return addr
        flowinfo = _int(address[2]) if len(address) > 2 else 0
        scope_id = _int(address[3]) if len(address) > 3 else 0
        if not 0 <= flowinfo <= 0xfffff:
            raise OverflowError('getsockaddrarg: flowinfo must be 0-1048575.')
        return _ip_addr(family, host, port, flowinfo, scope_id & 0xffffffff)
    raise error(_errno.EAFNOSUPPORT, 'Address family not supported by protocol')


_address = _bridge.address

# ---- module-level state ----------------------------------------------------------------------

_default_timeout = [None]


def getdefaulttimeout():
    """The timeout new sockets start with (None: blocking)."""
    return _default_timeout[0]


def setdefaulttimeout(value):
    """Sets the timeout new sockets start with."""
    value = _timeout_value(value)
    _NativeSocket.setDefaultTimeout(_native_timeout(value))
    _default_timeout[0] = value


# ---- the socket object -----------------------------------------------------------------------


# _NativeRef shares one NativeSocket between a socket object and the files made by makefile():
# the fd closes when the last holder lets go, as CPython 2.7's reference counting does. A Java
# type (org.sockbridge.jython.PySocketRef): the count is atomic, since Jython has no GIL, and
# each socket object makes one without a Python frame.
_NativeRef = _bridge.socketRefType()


_socketbase = _bridge.socketType()   # org.sockbridge.jython.PySocket: _native and the data methods


class socket(_socketbase):
    """socket([family[, type[, proto]]]) -> socket object, as CPython 2.7's."""

    # _native, _ref, _family, _type, _proto and _timeout are the Java base type's fields.
    __slots__ = ('__weakref__',)

    def __init__(self, family=AF_INET, type=SOCK_STREAM, proto=0, _native=None):
        # In Java (PySocket.init): a new socket, or the NativeSocket given, with its family,
        # type, protocol, timeout (the default one when the native layer holds its clamped
        # form, see _native_timeout) and holder count.
        self._init(family, type, proto, _native, _default_timeout[0])

    # CPython 2.7's socket objects wrap a _socket object as ._sock (ssl.sslwrap_simple and
    # older code reach for it); here the object is its own _sock.
    _sock = property(lambda self: self, doc='the underlying socket object (this one)')
    family = property(lambda self: self._family, doc='the socket family')
    type = property(lambda self: self._type, doc='the socket type')
    proto = property(lambda self: self._proto, doc='the socket protocol')
    timeout = property(lambda self: -1.0 if self._timeout is None else self._timeout,
                       doc='the timeout in seconds (-1.0: blocking), as CPython 2.7\'s attribute')

    def _n(self):
        n = self._native
        if n is None:
            raise _ebadf()
        return n

    def __repr__(self):
        try:
            fd = self._n().fileno()
        except (error, _JSocketError):
            fd = -1
        return '<socket object, fd=%d, family=%d, type=%d, protocol=%d>' % (
            fd, self._family, self._type, self._proto)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # fileno and close are the Java base type's (CPython's messages; close lets go once even
    # when two threads close at once).

    def detach(self):
        """Closes the socket object without closing the fd; returns the fd."""
        n = self._n()
        self._native = None
        try:
            return n.detach()
        except _JSocketError, e:
            raise _convert(e)

    def dup(self):
        """A new socket object on a duplicate fd."""
        try:
            return socket(_native=self._n().dup())
        except _JSocketError, e:
            raise _convert(e)

    # -- modes --

    def settimeout(self, value):
        """None: blocking; 0.0: non-blocking; t > 0: timeout mode."""
        value = _timeout_value(value)
        n = self._native
        if n is not None:  # closed: CPython keeps the value (its fcntl on fd -1 fails silently)
            try:
                n.setTimeout(_native_timeout(value))
            except _JSocketError, e:
                raise _convert(e)
        self._timeout = value

    def gettimeout(self):
        """The timeout in seconds, or None when blocking (closed or not, as CPython)."""
        return self._timeout

    def setblocking(self, flag):
        """setblocking(True) == settimeout(None); setblocking(False) == settimeout(0.0)."""
        self.settimeout(None if _int(flag) else 0.0)

    # -- connection set-up --

    def bind(self, address):
        """Binds to a local address."""
        n = self._n()
        addr = _sockaddr(self._family, address)
        try:
            n.bind(addr)
        except _JSocketError, e:
            raise _convert(e)

    def listen(self, backlog=128):
        """Starts listening for connections."""
        backlog = _c_int(backlog, 'Python int too large to convert to C int')
        try:
            self._n().listen(backlog)
        except _JSocketError, e:
            raise _convert(e)

    def accept(self):
        """(socket, address) for the next connection."""
        try:
            got = self._n().accept()
        except _JSocketError, e:
            raise _convert(e)
        return socket(_native=got.socket), _address(got.address)

    # connect and connect_ex are the Java base type's: an AF_INET (host, port) with a numeric
    # host is converted in Java, any other address here (_to_sockaddr).

    def _to_sockaddr(self, address):
        """The SockAddr of an address for connect/connect_ex, with CPython's checks and errors."""
        return _sockaddr(self._family, address)

    def shutdown(self, how):
        """Shuts down one or both directions (SHUT_RD, SHUT_WR, SHUT_RDWR)."""
        how = _c_int(how, 'Python int too large to convert to C int')
        try:
            self._n().shutdown(how)
        except _JSocketError, e:
            raise _convert(e)

    def getsockname(self):
        """The local address."""
        try:
            return _address(self._n().getSockName())
        except _JSocketError, e:
            raise _convert(e)

    def getpeername(self):
        """The remote address (ENOTCONN when not connected)."""
        try:
            return _address(self._n().getPeerName())
        except _JSocketError, e:
            raise _convert(e)

    # -- data --

    # send, sendall, sendto, recv, recvfrom, recv_into and recvfrom_into are the Java base
    # type's (org.sockbridge.jython.PySocket): one Java call plus one JNI call each, with
    # CPython 2.7's argument parsing and errors. sendto asks this method only for an address
    # object it has not just seen.

    def _sendto_address(self, addr):
        """(SockAddr, whether it may be reused for the same address object) for sendto."""
        family = self._family
        if type(addr) is tuple:
            target = _sockaddr_cache.get((family, addr))
            if target is not None:
                return target, True
        target = _sockaddr(family, addr, 'sendto')
        if type(addr) is tuple:
            return target, (family, addr) in _sockaddr_cache
        return target, family == AF_UNIX and type(addr) is str

    def sendmsg(self, buffers, ancdata=(), flags=0, address=None):
        """Python 3's sendmsg (an extra in 2.7): data buffers plus (level, type, data) items."""
        from java.util import ArrayList
        from org.sockbridge import Ancillary
        n = self._n()
        data = ''.join(str(_bridge.bytesOf(b).tostring()) for b in buffers)
        anc = ArrayList()
        for level, kind, payload in ancdata:
            anc.add(Ancillary(_c_int(level), _c_int(kind), _bridge.bytesOf(payload)))
        target = None if address is None else _sockaddr(self._family, address, 'sendmsg')
        try:
            return n.sendMsg(_bridge.bytesOf(data), anc, _c_int(flags), target)
        except _JSocketError, e:
            raise _convert(e)

    def recvmsg(self, bufsize, ancbufsize=0, flags=0):
        """Python 3's recvmsg (an extra in 2.7): (data, ancdata, msg_flags, address)."""
        n = self._n()
        try:
            m = n.recvMsg(_c_int(bufsize), _c_int(ancbufsize), _c_int(flags))
        except _JSocketError, e:
            raise _convert(e)
        except _JIllegalArgument, e:
            raise ValueError(e.getMessage())
        anc = [(a.level, a.type, a.data().tostring()) for a in m.ancillary]
        return m.data.tostring(), anc, m.flags, _address(m.address)

    # -- options --

    def setsockopt(self, level, option, value):
        """setsockopt(level, option, int or packed bytes)."""
        n = self._n()
        level, option = _c_int(level), _c_int(option)
        if level == SOL_SOCKET and option == SO_TIMEOUT:
            ms = _int(value)
            self.settimeout(ms / 1000.0 if ms > 0 else None)
            return
        try:
            if isinstance(value, (int, long)) and -2147483648 <= value <= 2147483647:
                n.setSockOpt(level, option, int(value))
            elif isinstance(value, (str, buffer, bytearray, memoryview)) or hasattr(value, 'tostring'):
                n.setSockOpt(level, option, _bridge.bytesOf(value))
            else:
                kind = 'int' if isinstance(value, long) else 'None' if value is None else type(value).__name__
                raise TypeError('setsockopt() argument 3 must be string or read-only buffer, not ' + kind)
        except _JSocketError, e:
            raise _convert(e)

    def getsockopt(self, level, option, buflen=0):
        """getsockopt(level, option[, buflen]): an int, or buflen raw bytes."""
        n = self._n()
        level, option, buflen = _c_int(level), _c_int(option), _c_int(buflen)
        if level == SOL_SOCKET and option == SO_TIMEOUT:
            t = self.gettimeout()
            return int(t * 1000) if t else 0
        try:
            if buflen == 0:
                return n.getSockOpt(level, option)
            if not 0 < buflen <= 1024:
                raise error('getsockopt buflen out of range')
            return n.getSockOpt(level, option, buflen).tostring()
        except _JSocketError, e:
            raise _convert(e)

    def makefile(self, mode='r', bufsize=-1):
        """A file object reading and writing this socket (Python 2.7's _fileobject)."""
        self._n()
        self._ref.acquire()
        return _fileobject(_RawSocket(self._ref), mode, bufsize)


SocketType = socket


def socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0):
    """Two connected sockets."""
    try:
        a, b = _NativeSocket.pair(_c_int(family), _c_int(type), _c_int(proto))
    except _JSocketError, e:
        raise _convert(e)
    return socket(_native=a), socket(_native=b)


def fromfd(fd, family, type, proto=0):
    """A socket object on a duplicate of fd."""
    try:
        return socket(_native=_NativeSocket.fromFd(_c_int(fd), _c_int(family), _c_int(type), _c_int(proto)))
    except _JSocketError, e:
        raise _convert(e)


class _RawSocket(object):
    """What a file from makefile() reads and writes: the shared NativeSocket, alive even after
    the socket object is closed (CPython 2.7 semantics)."""

    def __init__(self, ref):
        self._ref = ref

    def recv(self, bufsize):
        return _bridge.recv(self._ref.native, bufsize, 0)

    def sendall(self, data):
        _bridge.sendAll(self._ref.native, data, 0)

    def fileno(self):
        try:
            return self._ref.native.fileno()
        except _JSocketError, e:
            raise _convert(e)

    def close(self):
        self._ref.force_close()

    def _release(self):
        self._ref.release()


from _sockbridge_file import _fileobject  # noqa: E402

# ---- name resolution -------------------------------------------------------------------------


def _host_arg(host):
    if host is None:
        return None
    if isinstance(host, unicode):
        return host.encode('idna')
    if isinstance(host, str):
        return host
    raise TypeError('getaddrinfo() argument 1 must be string or None')


def getaddrinfo(host, port, family=0, socktype=0, proto=0, flags=0):
    """[(family, socktype, proto, canonname, sockaddr)], from the system resolver."""
    host = _host_arg(host)
    if port is None:
        service = None
    elif isinstance(port, (int, long)) and not isinstance(port, bool):
        service = str(port)
    elif isinstance(port, (str, unicode)):
        service = str(port)
    else:
        raise error('getaddrinfo() argument 2 must be integer or string')
    try:
        infos = _Resolver.getaddrinfo(host, service, _c_int(family), _c_int(socktype),
                                      _c_int(proto), _c_int(flags))
    except _JSocketError, e:
        raise _convert(e)
    except _JIllegalArgument, e:
        raise TypeError(e.getMessage())
    return [(i.family, i.type, i.proto, str(i.canonName), _address(i.address)) for i in infos]


def getnameinfo(sockaddr, flags):
    """(host, port) for a (host, port[, flowinfo, scope_id]) address."""
    if not isinstance(sockaddr, tuple):
        raise TypeError('getnameinfo() argument 1 must be a tuple')
    if len(sockaddr) < 2:
        raise TypeError('function takes at least 2 arguments (%d given)' % len(sockaddr))
    if len(sockaddr) > 4:
        raise TypeError('function takes at most 4 arguments (%d given)' % len(sockaddr))
    host, port = _text(sockaddr[0], 'host'), _int(sockaddr[1])
    flowinfo = _int(sockaddr[2]) if len(sockaddr) > 2 else 0
    scope_id = _int(sockaddr[3]) if len(sockaddr) > 3 else 0
    if not 0 <= flowinfo <= 0xfffff:
        raise OverflowError('getsockaddrarg: flowinfo must be 0-1048575.')
    try:
        infos = _Resolver.getaddrinfo(host, str(port), AF_UNSPEC, SOCK_DGRAM, 0, AI_NUMERICHOST)
        if infos.size() != 1:
            raise error('sockaddr resolved to multiple addresses')
        a = infos.get(0).address
        if a.family() == AF_INET:
            if len(sockaddr) != 2:
                raise error('IPv4 sockaddr must be 2 tuple')
        else:
            a = _SockAddr.inet6(a.addressBytes(), port, flowinfo, scope_id)
        result = _Resolver.getnameinfo(a, _c_int(flags))
    except _JSocketError, e:
        raise _convert(e)
    return str(result[0]), str(result[1])


def gethostbyname(hostname):
    """The first IPv4 address of hostname, as text."""
    return _ip_addr(AF_INET, _text(hostname, 'gethostbyname() argument 1'), 0).host().encode('ascii')


def _host_entry(e):
    return str(e.name), [str(a) for a in e.aliases], [str(a) for a in e.addresses]


def gethostbyname_ex(hostname):
    """(hostname, aliaslist, ipaddrlist)."""
    try:
        return _host_entry(_Resolver.gethostbynameEx(_text(hostname, 'gethostbyname_ex() argument 1')))
    except _JSocketError, e:
        raise _convert(e)


def gethostbyaddr(ip):
    """(hostname, aliaslist, ipaddrlist) for an address."""
    try:
        return _host_entry(_Resolver.gethostbyaddr(_text(ip, 'gethostbyaddr() argument 1')))
    except _JSocketError, e:
        raise _convert(e)


def gethostname():
    """This machine's host name."""
    try:
        return str(_Resolver.gethostname())
    except _JSocketError, e:
        raise _convert(e)


def getservbyname(servicename, protocolname=None):
    """The port number of a service."""
    try:
        return _Resolver.getservbyname(_text(servicename, 'service'),
                                       None if protocolname is None else _text(protocolname, 'proto'))
    except _JSocketError, e:
        raise _convert(e)


def getservbyport(port, protocolname=None):
    """The service name of a port."""
    port = _int(port)
    if not 0 <= port <= 65535:
        raise OverflowError('getservbyport: port must be 0-65535.')
    try:
        return str(_Resolver.getservbyport(port, None if protocolname is None else _text(protocolname, 'proto')))
    except _JSocketError, e:
        raise _convert(e)


def getprotobyname(name):
    """The number of a protocol such as 'tcp'."""
    try:
        return _Resolver.getprotobyname(_text(name, 'name'))
    except _JSocketError, e:
        raise _convert(e)


# ---- address text and byte order ------------------------------------------------------------

def inet_pton(family, ip_string):
    """Packed bytes of a textual address."""
    try:
        return _Resolver.inetPton(_c_int(family), _text(ip_string, 'ip')).tostring()
    except _JSocketError, e:
        raise _convert(e)


def inet_ntop(family, packed):
    """Text of a packed address."""
    family = _c_int(family)
    if not isinstance(packed, str):
        raise TypeError('inet_ntop() argument 2 must be string or read-only buffer')
    if family not in (AF_INET, AF_INET6):
        raise ValueError('unknown address family %d' % family)
    if len(packed) != (4 if family == AF_INET else 16):
        raise ValueError('invalid length of packed IP address string')
    return str(_Resolver.inetNtop(family, _bridge.bytesOf(packed)))


def inet_aton(ip_string):
    """Packed 4 bytes of a (possibly short-form) IPv4 address."""
    try:
        return _Resolver.inetAton(_text(ip_string, 'ip')).tostring()
    except _JSocketError, e:
        raise _convert(e)


def inet_ntoa(packed):
    """Dotted text of 4 packed bytes."""
    if not isinstance(packed, str):
        raise TypeError('inet_ntoa() argument 1 must be string or read-only buffer')
    if len(packed) != 4:
        raise error('packed IP wrong length for inet_ntoa')
    return '%d.%d.%d.%d' % _struct.unpack('4B', packed)


def _swap16(x, name):
    x = _c_int(x)
    if x < 0:
        raise OverflowError("can't convert negative number to unsigned long")
    x &= 0xffff
    return ((x << 8) & 0xff00) | (x >> 8)


def _swap32(x, name):
    if not isinstance(x, (int, long)):
        raise TypeError('expected int/long, %s found' % type(x).__name__)
    if x < 0:
        raise OverflowError("can't convert negative number to unsigned long")
    if x > 0xffffffff:
        # CPython 2.7 keeps the low 32 bits of a 64-bit int but refuses a long this big; on
        # Jython every value past 32 bits is a long, so this is the error both agree on.
        raise OverflowError('long int larger than 32 bits')
    return long(((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >> 8) & 0xff00) | (x >> 24))


def htons(x):
    """Host to network order, 16 bits."""
    return _swap16(x, 'htons')


def ntohs(x):
    """Network to host order, 16 bits."""
    return _swap16(x, 'ntohs')


def htonl(x):
    """Host to network order, 32 bits."""
    return _swap32(x, 'htonl')


def ntohl(x):
    """Network to host order, 32 bits."""
    return _swap32(x, 'ntohl')


# ---- names Jython's own socket modules offered (kept for existing Jython programs) -----------

_realsocket = socket


def _is_ip_address(addr, families):
    for family in families:
        try:
            _Resolver.inetPton(family, addr)
            return True
        except (_JSocketError, _JIllegalArgument):
            pass
        except Exception:  # noqa: BLE001 (not text: not an address)
            return False
    return False


def is_ipv4_address(addr):
    """True if addr is a numeric IPv4 address (Jython's helper)."""
    return _is_ip_address(addr, (AF_INET,))


def is_ipv6_address(addr):
    """True if addr is a numeric IPv6 address (Jython's helper)."""
    return _is_ip_address(addr, (AF_INET6,))


def is_ip_address(addr):
    """True if addr is a numeric IPv4 or IPv6 address (Jython's helper)."""
    return _is_ip_address(addr, (AF_INET, AF_INET6))


def supports(feature):
    """Jython's feature test: 'idna' is supported."""
    if feature == "idna":
        return True
    raise KeyError("Unknown feature", feature)
