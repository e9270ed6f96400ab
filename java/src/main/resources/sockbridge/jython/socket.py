"""socket for Jython on sockbridge: CPython 2.7's socket module over real OS sockets.

Everything comes from _socket; this module adds the pure-Python helpers CPython's socket.py
has (create_connection, getfqdn, _fileobject).
"""

import _socket
from _socket import *  # noqa: F401,F403
from _socket import (_GLOBAL_DEFAULT_TIMEOUT, _fileobject, error, gaierror, herror, timeout,
                     SO_TIMEOUT)

__all__ = [name for name in dir(_socket) if not name.startswith('_')]
__all__ += ['create_connection', 'getfqdn']

_realsocket = _socket.socket


def getfqdn(name=''):
    """The fully qualified domain name of name (this host if empty), as CPython's getfqdn."""
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


def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """Connects to (host, port), trying each address getaddrinfo gives; returns the socket."""
    host, port = address
    err = None
    for af, socktype, proto, canonname, sa in getaddrinfo(host, port, 0, SOCK_STREAM):
        sock = None
        try:
            sock = socket(af, socktype, proto)
            if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sa)
            return sock
        except error as e:
            err = e
            if sock is not None:
                sock.close()
    if err is not None:
        raise err
    raise error('getaddrinfo returns an empty list')
