"""A select.epoll echo server on the sockbridge plug-in, with clients in the same process:
one thread, non-blocking sockets, level-triggered epoll.

Run: bin/sockbridge-jython examples/epoll_echo_server.py [clients]
"""
import select
import socket
import sys

CLIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 50

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('127.0.0.1', 0))
server.listen(128)
server.setblocking(False)
ep = select.epoll()
ep.register(server.fileno(), select.EPOLLIN)
conns = {}          # fd -> server-side connection
clients = {}        # fd -> [client socket, message, received]

for i in range(CLIENTS):
    c = socket.socket()
    c.setblocking(False)
    err = c.connect_ex(server.getsockname())
    assert err in (0, 115), err                    # 115: EINPROGRESS, as on CPython
    clients[c.fileno()] = [c, 'message %d\n' % i, '']
    ep.register(c.fileno(), select.EPOLLOUT)

done = 0
while done < CLIENTS:
    for fd, events in ep.poll(5):
        if fd == server.fileno():
            while True:
                try:
                    conn, addr = server.accept()
                except socket.error:
                    break                          # EAGAIN: no more pending connections
                conn.setblocking(False)
                conns[conn.fileno()] = conn
                ep.register(conn.fileno(), select.EPOLLIN)
        elif fd in conns:
            data = conns[fd].recv(4096)
            if data:
                conns[fd].sendall(data.upper())
            else:
                ep.unregister(fd)
                conns.pop(fd).close()
        elif fd in clients:
            c, msg, got = clients[fd]
            if events & select.EPOLLOUT:
                c.sendall(msg)
                ep.modify(fd, select.EPOLLIN)
            else:
                got += c.recv(4096)
                clients[fd][2] = got
                if got.endswith('\n'):
                    assert got == msg.upper(), (got, msg)
                    ep.unregister(fd)
                    c.close()
                    done += 1

print 'epoll echo server: %d clients served by one thread; last reply %r' % (done, got)
ep.close()
server.close()
