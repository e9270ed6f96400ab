"""UDP on the sockbridge plug-in: recvfrom in timeout mode returns the real sender (the old
Jython module returned (None, -1)), and settimeout(0) is real non-blocking mode: EAGAIN, not a
1 ms timeout.

Run: bin/sockbridge-jython examples/udp_timeout_demo.py
"""
import errno
import socket

rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(('127.0.0.1', 0))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx.bind(('127.0.0.1', 0))

rx.settimeout(2.0)
tx.sendto('hello', rx.getsockname())
data, sender = rx.recvfrom(1024)
print 'timeout mode: recvfrom -> %r from %r (sender is %r)' % (data, sender, tx.getsockname())
assert sender == tx.getsockname()

rx.settimeout(0)
try:
    rx.recvfrom(1024)
except socket.timeout:
    raise SystemExit('settimeout(0) must not time out')
except socket.error as e:
    print 'settimeout(0): recvfrom on an idle socket -> socket.error%r (%s)' % (
        e.args, errno.errorcode[e.args[0]])
    assert e.args[0] == errno.EAGAIN

rx.settimeout(0.25)
try:
    rx.recvfrom(1024)
except socket.timeout as e:
    print 'settimeout(0.25): idle socket -> socket.timeout%r' % (e.args,)
print 'fileno() is a real int fd: %r' % rx.fileno()
rx.close()
tx.close()
