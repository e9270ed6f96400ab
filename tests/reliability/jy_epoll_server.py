# One Jython (plug-in) thread serving many clients with select.epoll: it accepts, echoes each
# line it receives, and answers "stats\n" with "<open connections> <JVM thread count>\n".
# Prints "port <n>" when listening; stops on "quit\n" from any client.
# Usage: sockbridge-jython jy_epoll_server.py
import select
import socket
import sys

from java.lang.management import ManagementFactory

threads = ManagementFactory.getThreadMXBean()

l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('127.0.0.1', 0))
l.listen(4096)
l.setblocking(0)
ep = select.epoll()
ep.register(l.fileno(), select.EPOLLIN)
conns = {}
inbuf = {}
outbuf = {}
peak = 0
print('port %d' % l.getsockname()[1])
sys.stdout.flush()
running = True
while running:
    for fd, ev in ep.poll(60.0):
        if fd == l.fileno():
            while True:
                try:
                    s, _ = l.accept()
                except socket.error as e:
                    if e.errno == 11:
                        break
                    raise
                s.setblocking(0)
                conns[s.fileno()] = s
                inbuf[s.fileno()] = ''
                outbuf[s.fileno()] = ''
                ep.register(s.fileno(), select.EPOLLIN)
            peak = max(peak, len(conns))
            continue
        s = conns[fd]
        if ev & (select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR):
            try:
                d = s.recv(65536)
            except socket.error as e:
                d = None if e.errno == 11 else ''
            if d == '':
                ep.unregister(fd)
                del conns[fd], inbuf[fd], outbuf[fd]
                s.close()
                continue
            if d:
                inbuf[fd] += d
                while '\n' in inbuf[fd]:
                    line, inbuf[fd] = inbuf[fd].split('\n', 1)
                    if line == 'stats':
                        outbuf[fd] += '%d %d %d\n' % (len(conns), threads.getThreadCount(), peak)
                    elif line == 'quit':
                        running = False
                    else:
                        outbuf[fd] += line + '\n'
        if outbuf[fd]:
            try:
                n = s.send(outbuf[fd])
                outbuf[fd] = outbuf[fd][n:]
            except socket.error as e:
                if e.errno != 11:
                    raise
            ep.modify(fd, select.EPOLLOUT | select.EPOLLIN if outbuf[fd] else select.EPOLLIN)
for s in conns.values():
    s.close()
ep.close()
l.close()
print('done peak %d' % peak)
