"""Module constants: the same names with the same numeric values."""
import select
import socket

PREFIXES = ('AF_', 'SOCK_', 'SOL_', 'SO_', 'IPPROTO_', 'IP_', 'IPV6_', 'TCP_', 'MSG_', 'AI_',
            'NI_', 'EAI_', 'SHUT_', 'INADDR_', 'SCM_')
JYTHON_EXTRAS = ('SO_TIMEOUT',)
for name in sorted(dir(socket)):
    if name.startswith(PREFIXES) and name not in JYTHON_EXTRAS:
        value = getattr(socket, name)
        if isinstance(value, int) or type(value).__name__ == 'long':
            print('socket.%s: %d' % (name, int(value)))
for name in sorted(dir(select)):
    if name.startswith(('POLL', 'EPOLL')) and name != 'EPOLL_CLOEXEC':
        print('select.%s: %d' % (name, int(getattr(select, name))))
print('has_ipv6: %s' % socket.has_ipv6)
for name in ('socket', 'SocketType', 'socketpair', 'fromfd', 'create_connection', 'getaddrinfo',
             'getnameinfo', 'gethostbyname', 'gethostbyname_ex', 'gethostbyaddr', 'gethostname',
             'getfqdn', 'getservbyname', 'getservbyport', 'getprotobyname', 'inet_aton',
             'inet_ntoa', 'inet_pton', 'inet_ntop', 'htons', 'ntohs', 'htonl', 'ntohl',
             'getdefaulttimeout', 'setdefaulttimeout', 'error', 'timeout', 'gaierror', 'herror'):
    print('socket has %s: %s' % (name, hasattr(socket, name)))
for name in ('select', 'poll', 'epoll', 'error'):
    print('select has %s: %s' % (name, hasattr(select, name)))
s = socket.socket()
for name in ('accept', 'bind', 'close', 'connect', 'connect_ex', 'dup', 'fileno',
             'getpeername', 'getsockname', 'getsockopt', 'gettimeout', 'listen', 'makefile',
             'recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'send', 'sendall',
             'sendto', 'setblocking', 'setsockopt', 'settimeout', 'shutdown',
             'family', 'type', 'proto'):
    print('socket object has %s: %s' % (name, hasattr(s, name)))
print('timeout is error subclass: %s' % issubclass(socket.timeout, socket.error))
print('gaierror is error subclass: %s' % issubclass(socket.gaierror, socket.error))
print('error is IOError subclass: %s' % issubclass(socket.error, IOError))
e = socket.error(111, 'Connection refused')
print('error attributes: %s %s %s' % (e.errno, e.strerror, e.args))
s.close()
