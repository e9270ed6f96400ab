"""asyncore / asynchat on the plug-in: a select-driven echo server and clients."""
import asynchat
import asyncore
import socket

from check import check, equal


class EchoHandler(asynchat.async_chat):
    def __init__(self, sock):
        asynchat.async_chat.__init__(self, sock)
        self.set_terminator('\n')
        self.buf = []

    def collect_incoming_data(self, data):
        self.buf.append(data)

    def found_terminator(self):
        self.push(''.join(self.buf).upper() + '\n')
        self.buf = []


class EchoServer(asyncore.dispatcher):
    def __init__(self):
        asyncore.dispatcher.__init__(self)
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.set_reuse_addr()
        self.bind(('127.0.0.1', 0))
        self.listen(5)

    def handle_accept(self):
        pair = self.accept()
        if pair is not None:
            EchoHandler(pair[0])


class Client(asyncore.dispatcher):
    def __init__(self, addr, message):
        asyncore.dispatcher.__init__(self)
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.connect(addr)
        self.out = message
        self.got = ''

    def handle_connect(self):
        pass

    def writable(self):
        return len(self.out) > 0

    def handle_write(self):
        sent = self.send(self.out)
        self.out = self.out[sent:]

    def handle_read(self):
        self.got += self.recv(8192)
        if self.got.endswith('\n'):
            self.close()


def run(use_poll):
    server = EchoServer()
    clients = [Client(server.getsockname(), 'message %d\n' % i) for i in range(10)]
    for _ in range(200):
        asyncore.loop(timeout=0.05, count=1, use_poll=use_poll)
        if all(not c.connected or c.got for c in clients) and all(c.got for c in clients):
            break
    server.close()
    asyncore.close_all()
    return sorted(c.got for c in clients)


expected = sorted('MESSAGE %d\n' % i for i in range(10))
equal('asyncore select loop with asynchat echo', expected, run(False))
equal('asyncore poll loop with asynchat echo', expected, run(True))
