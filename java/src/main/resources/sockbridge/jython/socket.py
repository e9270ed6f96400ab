"""socket for Jython on sockbridge: CPython 2.7.18's socket module over real OS sockets.

This is CPython 2.7.18's socket.py (Python Software Foundation License) with the changes the JVM
needs: socket.socket is _socketobject wrapping a _socket.socket (the "real" socket, in _sock) and
copying its data methods onto itself; dup() shares the real socket. CPython closes the real socket
when its last reference goes; here the wrappers and makefile() files count their holds on it
(_socket._NativeRef), so close() and dup()/makefile() behave as in CPython. _fileobject (2.7's
algorithm) lives in _sockbridge_file.
"""

import _socket
from _socket import *  # noqa: F401,F403
from _socket import _GLOBAL_DEFAULT_TIMEOUT, SO_TIMEOUT  # noqa: F401
from functools import partial  # noqa: F401 (as CPython's module)
from types import MethodType  # noqa: F401

import os, sys, warnings  # noqa: E401,F401

try:
    from cStringIO import StringIO  # noqa: F401
except ImportError:
    from StringIO import StringIO  # noqa: F401

try:
    import errno
except ImportError:
    errno = None
EBADF = getattr(errno, 'EBADF', 9)
EINTR = getattr(errno, 'EINTR', 4)

from _sockbridge_file import _fileobject  # noqa: E402


def ssl(sock, keyfile=None, certfile=None):
    """Deprecated: use ssl.wrap_socket()."""
    import ssl as _realssl
    warnings.warn("socket.ssl() is deprecated.  Use ssl.wrap_socket() instead.",
                  DeprecationWarning, stacklevel=2)
    return _realssl.sslwrap_simple(sock, keyfile, certfile)


# CPython's socket imports these from _ssl; they are the same numbers.
SSL_ERROR_ZERO_RETURN = 6
SSL_ERROR_WANT_READ = 2
SSL_ERROR_WANT_WRITE = 3
SSL_ERROR_WANT_X509_LOOKUP = 4
SSL_ERROR_SYSCALL = 5
SSL_ERROR_SSL = 1
SSL_ERROR_WANT_CONNECT = 7
SSL_ERROR_EOF = 8
SSL_ERROR_INVALID_ERROR_CODE = 10


def RAND_status():
    """1: the random generator is seeded (the JVM's and rustls' are)."""
    return 1


def RAND_add(string, entropy):
    """Accepted and ignored: the system's generator needs no seeding."""
    if not isinstance(string, basestring):
        raise TypeError('must be string or buffer, not %s' % type(string).__name__)
    float(entropy)


__all__ = ["getfqdn", "create_connection"]
__all__.extend(os._get_exports_list(_socket))

_realsocket = _socket.socket


def getfqdn(name=''):
    """Get fully qualified domain name from name.

    An empty argument is interpreted as meaning the local host.

    First the hostname returned by gethostbyaddr() is checked, then
    possibly existing aliases. In case no FQDN is available, hostname
    from gethostname() is returned.
    """
    name = name.strip()
    if not name or name == '0.0.0.0':
        name = gethostname()
    try:
        hostname, aliases, ipaddrs = gethostbyaddr(name)
    except error:
        pass
    else:
        aliases.insert(0, hostname)
        for name in aliases:
            if '.' in name:
                break
        else:
            name = hostname
    return name


_socketmethods = (
    'bind', 'connect', 'connect_ex', 'fileno', 'listen',
    'getpeername', 'getsockname', 'getsockopt', 'setsockopt',
    'sendall', 'setblocking',
    'settimeout', 'gettimeout', 'shutdown')

# All the method names that must be delegated to either the real socket
# object or the _closedsocket object.
_delegate_methods = ("recv", "recvfrom", "recv_into", "recvfrom_into",
                     "send", "sendto")


class _closedsocket(object):
    __slots__ = []

    def _dummy(*args):
        raise error(EBADF, 'Bad file descriptor')
    # All _delegate_methods must also be initialized here.
    send = recv = recv_into = sendto = recvfrom = recvfrom_into = _dummy
    __getattr__ = _dummy


class _socketobject(object):

    __doc__ = _realsocket.__doc__

    __slots__ = ["_sock", "__weakref__"] + list(_delegate_methods)

    def __init__(self, family=AF_INET, type=SOCK_STREAM, proto=0, _sock=None):
        if _sock is None:
            _sock = _realsocket(family, type, proto)
        else:
            _sock._ref.acquire()   # one more holder of the real socket (CPython: a reference)
        self._sock = _sock
        # for method in _delegate_methods: setattr(self, method, getattr(_sock, method)), in Java
        _sock._bind_into(self, _delegate_methods)

    def close(self, _closedsocket=_closedsocket,
              _delegate_methods=_delegate_methods, setattr=setattr):
        # This function should not reference any globals. See issue #808164.
        sock = self._sock
        self._sock = _closedsocket()
        dummy = self._sock._dummy
        for method in _delegate_methods:
            setattr(self, method, dummy)
        if type(sock) is not _closedsocket:
            sock._ref.release()   # the fd closes with its last holder
    close.__doc__ = _realsocket.close.__doc__

    def accept(self):
        sock, addr = self._sock.accept()
        s = _socketobject(_sock=sock)
        sock._ref.release()       # the new socket object is its only holder
        return s, addr
    accept.__doc__ = _realsocket.accept.__doc__

    def dup(self):
        """dup() -> socket object

        Return a new socket object connected to the same system resource."""
        return _socketobject(_sock=self._sock)

    def makefile(self, mode='r', bufsize=-1):
        """makefile([mode[, bufsize]]) -> file object

        Return a regular file object corresponding to the socket.  The mode
        and bufsize arguments are as for the built-in open() function."""
        sock = self._sock
        ref = sock._ref
        f = _fileobject(sock, mode, bufsize)
        ref.acquire()
        f._hold = ref
        return f

    family = property(lambda self: self._sock.family, doc="the socket family")
    type = property(lambda self: self._sock.type, doc="the socket type")
    proto = property(lambda self: self._sock.proto, doc="the socket protocol")

    # What sockbridge's ssl module uses on the socket it wraps (select looks into _sock).
    def _get_ref(self):
        return self._sock._ref

    def _set_ref(self, ref):
        self._sock._ref = ref
    _ref = property(_get_ref, _set_ref)

    def _n(self):
        return self._sock._n()


def _method(name):
    # CPython: MethodType(partial(meth, name), None, _socketobject), meth(name, self, *args)
    # calling getattr(self._sock, name)(*args). Here the partial is a Java callable
    # (org.sockbridge.jython.PySocketDelegate) doing the same without a Python frame.
    return MethodType(_socket._bridge.socketMethod(name, getattr(_realsocket, name).__doc__),
                      None, _socketobject)


for _m in _socketmethods:
    setattr(_socketobject, _m, _method(_m))
del _m

# Python 3's extras (not in 2.7), kept for programs written for them.
for _m in ('detach', 'sendmsg', 'recvmsg'):
    setattr(_socketobject, _m, _method(_m))
del _m
_socketobject.__enter__ = lambda self: self
_socketobject.__exit__ = lambda self, *exc: self.close()

socket = SocketType = _socketobject


def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT,
                      source_address=None):
    """Connect to *address* and return the socket object.

    Convenience function.  Connect to *address* (a 2-tuple ``(host,
    port)``) and return the socket object.  Passing the optional
    *timeout* parameter will set the timeout on the socket instance
    before attempting to connect.  If no *timeout* is supplied, the
    global default timeout setting returned by :func:`getdefaulttimeout`
    is used.  If *source_address* is set it must be a tuple of (host, port)
    for the socket to bind as a source address before making the connection.
    A host of '' or port 0 tells the OS to use the default.
    """

    host, port = address
    err = None
    for res in getaddrinfo(host, port, 0, SOCK_STREAM):
        af, socktype, proto, canonname, sa = res
        sock = None
        try:
            sock = socket(af, socktype, proto)
            if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sa)
            return sock

        except error as _:
            err = _
            if sock is not None:
                sock.close()

    if err is not None:
        raise err
    else:
        raise error("getaddrinfo returns an empty list")
