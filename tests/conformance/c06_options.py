"""Socket options at the levels CPython uses: set, read back, packed structs, refusals."""
import socket
import struct

from common import case, tcp_pair

S = socket
c, a = tcp_pair()
u = S.socket(S.AF_INET, S.SOCK_DGRAM)


def rt(sock, level, opt, value):
    sock.setsockopt(level, opt, value)
    return sock.getsockopt(level, opt)


for name, level, value in [('SO_KEEPALIVE', 'SOL_SOCKET', 1), ('SO_OOBINLINE', 'SOL_SOCKET', 1),
                           ('SO_REUSEADDR', 'SOL_SOCKET', 1), ('SO_REUSEPORT', 'SOL_SOCKET', 1),
                           ('SO_RCVBUF', 'SOL_SOCKET', 32768), ('SO_SNDBUF', 'SOL_SOCKET', 32768),
                           ('SO_RCVLOWAT', 'SOL_SOCKET', 8), ('SO_PRIORITY', 'SOL_SOCKET', 2),
                           ('TCP_NODELAY', 'IPPROTO_TCP', 1), ('TCP_NODELAY', 'SOL_TCP', 0),
                           ('TCP_KEEPIDLE', 'SOL_TCP', 60), ('TCP_KEEPINTVL', 'SOL_TCP', 7),
                           ('TCP_KEEPCNT', 'SOL_TCP', 3), ('TCP_MAXSEG', 'SOL_TCP', 1200),
                           ('TCP_USER_TIMEOUT', 'SOL_TCP', 500), ('TCP_CORK', 'SOL_TCP', 1),
                           ('IP_TTL', 'IPPROTO_IP', 33), ('IP_TOS', 'IPPROTO_IP', 0x20)]:
    if hasattr(S, name):
        case('%s %s' % (level, name), lambda: rt(c, getattr(S, level), getattr(S, name), value))
case('SO_TYPE', lambda: (c.getsockopt(S.SOL_SOCKET, S.SO_TYPE), u.getsockopt(S.SOL_SOCKET, S.SO_TYPE)))
case('SO_ERROR', lambda: c.getsockopt(S.SOL_SOCKET, S.SO_ERROR))
case('SO_ACCEPTCONN', lambda: c.getsockopt(S.SOL_SOCKET, S.SO_ACCEPTCONN))
case('SO_SNDLOWAT set', lambda: c.setsockopt(S.SOL_SOCKET, S.SO_SNDLOWAT, 5))
case('SO_LINGER packed', lambda: struct.unpack('<ii', (c.setsockopt(S.SOL_SOCKET, S.SO_LINGER, struct.pack('<ii', 1, 7)), c.getsockopt(S.SOL_SOCKET, S.SO_LINGER, 8))[1]))
case('SO_LINGER short', lambda: c.setsockopt(S.SOL_SOCKET, S.SO_LINGER, b'\x01'))
case('SO_RCVTIMEO packed', lambda: struct.unpack('<qq', (c.setsockopt(S.SOL_SOCKET, S.SO_RCVTIMEO, struct.pack('<qq', 3, 0)), c.getsockopt(S.SOL_SOCKET, S.SO_RCVTIMEO, 16))[1]))
case('TCP_CONGESTION', lambda: (c.setsockopt(S.SOL_TCP, S.TCP_CONGESTION, b'reno'), c.getsockopt(S.SOL_TCP, S.TCP_CONGESTION, 4)))
case('TCP_CONGESTION bogus', lambda: c.setsockopt(S.SOL_TCP, S.TCP_CONGESTION, b'bogus-algo'))
case('SO_BROADCAST', lambda: rt(u, S.SOL_SOCKET, S.SO_BROADCAST, 1))
case('IP_MULTICAST_TTL', lambda: rt(u, S.IPPROTO_IP, S.IP_MULTICAST_TTL, 4))
case('IP_MULTICAST_LOOP', lambda: rt(u, S.IPPROTO_IP, S.IP_MULTICAST_LOOP, 0))
case('IP_MULTICAST_IF', lambda: (u.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_IF, S.inet_aton('127.0.0.1')), u.getsockopt(S.IPPROTO_IP, S.IP_MULTICAST_IF, 4)))
mreq = S.inet_aton('239.255.1.2') + S.inet_aton('127.0.0.1')
case('IP_ADD_MEMBERSHIP', lambda: u.setsockopt(S.IPPROTO_IP, S.IP_ADD_MEMBERSHIP, mreq))
case('IP_ADD_MEMBERSHIP twice', lambda: u.setsockopt(S.IPPROTO_IP, S.IP_ADD_MEMBERSHIP, mreq))
case('IP_DROP_MEMBERSHIP', lambda: u.setsockopt(S.IPPROTO_IP, S.IP_DROP_MEMBERSHIP, mreq))
case('IP_DROP_MEMBERSHIP twice', lambda: u.setsockopt(S.IPPROTO_IP, S.IP_DROP_MEMBERSHIP, mreq))
u6 = S.socket(S.AF_INET6, S.SOCK_DGRAM)
case('IPV6_V6ONLY', lambda: rt(u6, S.IPPROTO_IPV6, S.IPV6_V6ONLY, 1))
case('IPV6_UNICAST_HOPS', lambda: rt(u6, S.IPPROTO_IPV6, S.IPV6_UNICAST_HOPS, 12))
case('IPV6_MULTICAST_HOPS', lambda: rt(u6, S.IPPROTO_IPV6, S.IPV6_MULTICAST_HOPS, 2))
case('IPV6_MULTICAST_LOOP', lambda: rt(u6, S.IPPROTO_IPV6, S.IPV6_MULTICAST_LOOP, 1))
case('unknown option', lambda: c.setsockopt(S.SOL_SOCKET, 9999, 1))
case('unknown level', lambda: c.getsockopt(9999, 1))
case('wrong level for udp', lambda: u.setsockopt(S.SOL_TCP, S.TCP_NODELAY, 1))
case('getsockopt buflen', lambda: len(c.getsockopt(S.SOL_SOCKET, S.SO_RCVBUF, 4)))
case('bool value', lambda: rt(c, S.SOL_SOCKET, S.SO_KEEPALIVE, True))
for s in (c, a, u, u6):
    s.close()
