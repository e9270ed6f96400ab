"""Every data-path socket method in each of the three timeout modes."""
import select
import socket

from common import case, dead_port, expect, listener, tcp_pair

MODES = [('blocking', None), ('timeout', 0.3), ('nonblocking', 0.0)]

for label, mode in MODES:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(('127.0.0.1', 0))
    u.settimeout(mode)
    case('%s gettimeout' % label, u.gettimeout)
    if mode is not None:
        case('%s udp recv idle' % label, lambda: u.recv(10))
        case('%s udp recvfrom idle' % label, lambda: u.recvfrom(10))
        case('%s udp recv_into idle' % label, lambda: u.recv_into(bytearray(4)))
        case('%s udp recvfrom_into idle' % label, lambda: u.recvfrom_into(bytearray(4)))
    v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v.bind(('127.0.0.1', 0))
    case('%s udp sendto' % label, lambda: v.sendto(b'abc', u.getsockname()))
    select.select([u], [], [], 2.0)
    data, addr = u.recvfrom(10)
    case('%s udp recvfrom data' % label, lambda: data)
    case('%s udp recvfrom sender matches' % label, lambda: addr == v.getsockname())
    v.sendto(b'xyz', 0, u.getsockname())
    select.select([u], [], [], 2.0)
    buf = bytearray(8)
    n, addr2 = u.recvfrom_into(buf)
    case('%s udp recvfrom_into' % label, lambda: (n, bytes(buf[:n]), addr2 == v.getsockname()))
    u.close()
    v.close()

    l = listener()
    l.settimeout(mode)
    if mode is not None:
        case('%s accept idle' % label, l.accept)
    c = socket.socket()
    c.settimeout(mode)
    if mode == 0.0:
        case('%s connect nonblocking' % label, lambda: c.connect(l.getsockname()))
        select.select([], [c], [], 2.0)
        case('%s connect SO_ERROR' % label, lambda: c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    else:
        expect('%s connect' % label, lambda: c.connect(l.getsockname()))
    select.select([l], [], [], 2.0)
    a, peer = l.accept()
    case('%s accept peer matches' % label, lambda: peer == c.getsockname())
    case('%s accepted gettimeout' % label, a.gettimeout)
    a.settimeout(mode)
    if mode is not None:
        case('%s tcp recv idle' % label, lambda: a.recv(10))
    case('%s tcp send' % label, lambda: c.send(b'hello'))
    select.select([a], [], [], 2.0)
    case('%s tcp recv' % label, lambda: a.recv(3))
    case('%s tcp recv rest' % label, lambda: a.recv(10))
    case('%s tcp sendall' % label, lambda: c.sendall(b'world'))
    select.select([a], [], [], 2.0)
    case('%s tcp recvfrom on stream' % label, lambda: a.recvfrom(10))
    c.shutdown(socket.SHUT_WR)
    select.select([a], [], [], 2.0)
    case('%s tcp recv eof' % label, lambda: a.recv(10))
    for s in (a, c, l):
        s.close()

    r = socket.socket()
    r.settimeout(mode)
    port = dead_port()
    if mode == 0.0:
        case('%s connect_ex refused' % label, lambda: r.connect_ex(('127.0.0.1', port)) in (111, 115))
    else:
        case('%s connect_ex refused' % label, lambda: r.connect_ex(('127.0.0.1', port)))
    r.close()

s = socket.socket()
case('setblocking false', lambda: (s.setblocking(False), s.gettimeout()))
case('setblocking true', lambda: (s.setblocking(True), s.gettimeout()))
case('settimeout int', lambda: (s.settimeout(3), s.gettimeout()))
case('settimeout negative', lambda: s.settimeout(-1))
case('settimeout string', lambda: s.settimeout('1'))
case('getdefaulttimeout', socket.getdefaulttimeout)
socket.setdefaulttimeout(2.5)
t = socket.socket()
case('default timeout applies', t.gettimeout)
socket.setdefaulttimeout(None)
case('default timeout reset', socket.socket().gettimeout)
case('setdefaulttimeout negative', lambda: socket.setdefaulttimeout(-2))
c, a = tcp_pair()
c.settimeout(0)
case('MSG_DONTWAIT on blocking', lambda: a.recv(4, socket.MSG_DONTWAIT))
c.send(b'peek')
select.select([a], [], [], 2.0)
case('MSG_PEEK', lambda: a.recv(4, socket.MSG_PEEK))
case('after peek', lambda: a.recv(4))
