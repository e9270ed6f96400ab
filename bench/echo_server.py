"""An echo server on select.select or select.epoll, in the common subset of Python 2.7 and 3: the
same script is served by CPython 2.7.18, CPython 3 and Jython with the plug-in while the load
generator (bench/rust: sockbridge-bench echo-load) drives 100 concurrent clients against it.

Usage: echo_server.py select|epoll. Prints its port on the first line, then serves until killed.
Non-blocking sockets; a partial send keeps the rest and waits for writability."""
import errno
import select
import socket
import sys


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'epoll'
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', 0))
    listener.listen(512)
    listener.setblocking(False)
    sys.stdout.write('%d\n' % listener.getsockname()[1])
    sys.stdout.flush()
    conns = {}      # fileno -> socket
    pending = {}    # fileno -> bytes still to send
    if mode == 'epoll':
        ep = select.epoll()
        ep.register(listener.fileno(), select.EPOLLIN)
    lfd = listener.fileno()

    def accept_all():
        while True:
            try:
                c, _ = listener.accept()
            except socket.error as e:
                if e.args[0] in (errno.EAGAIN, errno.EWOULDBLOCK):
                    return
                raise
            c.setblocking(False)
            conns[c.fileno()] = c
            if mode == 'epoll':
                ep.register(c.fileno(), select.EPOLLIN)

    def drop(fd):
        c = conns.pop(fd)
        pending.pop(fd, None)
        if mode == 'epoll':
            ep.unregister(fd)
        c.close()

    def readable(fd):
        c = conns[fd]
        try:
            data = c.recv(65536)
        except socket.error as e:
            if e.args[0] in (errno.EAGAIN, errno.EWOULDBLOCK):
                return
            data = b''
        if not data:
            drop(fd)
            return
        send(fd, data)

    def send(fd, data):
        c = conns[fd]
        try:
            n = c.send(data)
        except socket.error as e:
            if e.args[0] in (errno.EAGAIN, errno.EWOULDBLOCK):
                n = 0
            else:
                drop(fd)
                return
        if n < len(data):
            pending[fd] = data[n:]
            if mode == 'epoll':
                ep.modify(fd, select.EPOLLOUT)
        elif fd in pending:
            del pending[fd]
            if mode == 'epoll':
                ep.modify(fd, select.EPOLLIN)

    while True:
        if mode == 'epoll':
            events = ep.poll(1.0)
            for fd, ev in events:
                if fd == lfd:
                    accept_all()
                elif fd in conns:
                    if fd in pending:
                        send(fd, pending[fd])
                    else:
                        readable(fd)
        else:
            rlist = [listener] + [c for fd, c in conns.items() if fd not in pending]
            wlist = [conns[fd] for fd in pending]
            r, w, _ = select.select(rlist, wlist, [], 1.0)
            for c in w:
                fd = c.fileno()
                if fd in pending:
                    send(fd, pending[fd])
            for c in r:
                if c is listener:
                    accept_all()
                else:
                    fd = c.fileno()
                    if fd in conns:
                        readable(fd)


if __name__ == '__main__':
    main()
