"""SocketServer on the plug-in: TCP, UDP and threading servers with real clients."""
import socket
import SocketServer
import threading

from check import check, equal


class Echo(SocketServer.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line.upper())


class UdpEcho(SocketServer.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(data[::-1], self.client_address)


def serve(server):
    t = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05})
    t.daemon = True
    t.start()
    return t


def tcp_round_trip(server_class):
    server = server_class(('127.0.0.1', 0), Echo)
    serve(server)
    try:
        c = socket.create_connection(server.server_address, timeout=5)
        f = c.makefile('rwb', 0)
        f.write('hello\nworld\n')
        got = f.readline() + f.readline()
        f.close()
        c.close()
        return got
    finally:
        server.shutdown()
        server.server_close()


equal('TCPServer echo', 'HELLO\nWORLD\n', tcp_round_trip(SocketServer.TCPServer))
equal('ThreadingTCPServer echo', 'HELLO\nWORLD\n', tcp_round_trip(SocketServer.ThreadingTCPServer))


def threading_many_clients():
    server = SocketServer.ThreadingTCPServer(('127.0.0.1', 0), Echo)
    serve(server)
    results = []

    def client(i):
        c = socket.create_connection(server.server_address, timeout=5)
        c.sendall('client %d\n' % i)
        f = c.makefile('rb')
        results.append(f.readline())
        f.close()  # Jython has no refcounting: close files explicitly, or the fd stays open
        c.close()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    server.shutdown()
    server.server_close()
    return sorted(results) == sorted('CLIENT %d\n' % i for i in range(20))


check('ThreadingTCPServer 20 concurrent clients', threading_many_clients)


def udp_round_trip():
    server = SocketServer.UDPServer(('127.0.0.1', 0), UdpEcho)
    serve(server)
    try:
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        c.settimeout(5)
        c.sendto('abc', server.server_address)
        data, addr = c.recvfrom(100)
        c.close()
        return data == 'cba' and addr == server.server_address
    finally:
        server.shutdown()
        server.server_close()


check('UDPServer echo with sender address', udp_round_trip)
check('ThreadingUDPServer exists and binds', lambda: SocketServer.ThreadingUDPServer(('127.0.0.1', 0), UdpEcho).server_close())
