"""CPython 2.7.18's network modules over real loopback sockets: the plug-in ships 2.7.18's own
copies in place of Jython 2.7.3's older ones, so their fixes must show on both interpreters
(poplib's ReDoS-safe APOP regex, ftplib's CR/LF refusal, send_error on HEAD, SimpleHTTPServer's
404 for a file path with a trailing slash, asynchat's EAGAIN handling in handle_read)."""
import asynchat
import BaseHTTPServer
import errno
import ftplib
import os
import poplib
import shutil
import SimpleHTTPServer
import socket
import tempfile
import threading
import time

from common import case, listener


def serve_once(greeting):
    """A one-connection loopback server: sends greeting, then collects what arrives."""
    srv = listener()
    got = []

    def run():
        conn, _ = srv.accept()
        conn.sendall(greeting)
        conn.settimeout(5)
        try:
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                got.append(data)
        except socket.timeout:
            pass
        conn.close()
        srv.close()
    t = threading.Thread(target=run)
    t.daemon = True
    t.start()
    return srv.getsockname(), got, t


# poplib: 2.7.18's APOP timestamp regex is linear; Jython 2.7.3's backtracks for minutes here.
addr, _, t = serve_once(b'+OK ready\r\n')
pop = poplib.POP3(addr[0], addr[1], timeout=10)
case('pop3 welcome', lambda: pop.getwelcome())
pop.welcome = b'+OK' + b'<' * 200000


def apop():
    start = time.time()
    try:
        pop.apop('user', 'secret')
    except poplib.error_proto as e:
        return ('error_proto', str(e), time.time() - start < 10)
case('pop3 apop on a hostile welcome', apop)
pop.sock.close()

# ftplib: 2.7.18 refuses a command with CR or LF in it before anything is sent.
addr, got, t = serve_once(b'220 ready\r\n')
ftp = ftplib.FTP()
ftp.connect(addr[0], addr[1], timeout=10)
case('ftp welcome', lambda: ftp.getwelcome())
case('ftp command with CRLF', lambda: ftp.sendcmd('NOOP\r\nDELE important'))
case('ftp command with LF', lambda: ftp.putcmd('NOOP\nDELE important'))
ftp.sock.close()
t.join(10)
case('ftp server received nothing', lambda: b''.join(got))


def http_server(handler):
    httpd = BaseHTTPServer.HTTPServer(('127.0.0.1', 0), handler)
    t = threading.Thread(target=httpd.serve_forever, kwargs={'poll_interval': 0.05})
    t.daemon = True
    t.start()
    return httpd


def request(addr, line):
    s = socket.create_connection(addr, 10)
    s.sendall(line + b'\r\nHost: x\r\n\r\n')
    data = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, body = data.partition(b'\r\n\r\n')
    lines = head.split(b'\r\n')
    headers = dict(l.split(b': ', 1) for l in lines[1:])
    status = lines[0].split(b' ', 2)
    return status[0], int(status[1]), headers.get('Content-Type'), headers.get('Location'), len(body)


class QuietHandler(BaseHTTPServer.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass


# BaseHTTPServer: send_error gives a Content-Type, and no body to HEAD.
httpd = http_server(QuietHandler)
case('HEAD to a server without do_HEAD', lambda: request(httpd.server_address, b'HEAD / HTTP/1.0'))
case('GET to a server without do_GET', lambda: request(httpd.server_address, b'GET / HTTP/1.0')[:3])
httpd.shutdown()
httpd.server_close()

# SimpleHTTPServer: a trailing slash on a file is a 404; a directory without one redirects.
root = tempfile.mkdtemp()
cwd = os.getcwd()
os.chdir(root)
try:
    os.mkdir('dir')
    with open('file.txt', 'wb') as f:
        f.write(b'data')

    class Quiet(SimpleHTTPServer.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    httpd = http_server(Quiet)
    for path in ('/file.txt', '/file.txt/', '/dir', '/dir?q=1', '/dir/', '/missing'):
        case('GET %s' % path, lambda: request(httpd.server_address, b'GET %s HTTP/1.0' % path))
    httpd.shutdown()
    httpd.server_close()
finally:
    os.chdir(cwd)
    shutil.rmtree(root)

# asynchat: EAGAIN (and the other would-block errors) from recv() in handle_read is not an
# error (2.7.18); Jython 2.7.3's copy called handle_error, which closes the channel.
a, b = socket.socketpair()


class Chat(asynchat.async_chat):
    errors = []

    def recv(self, size):
        raise socket.error(errno.EAGAIN, 'Resource temporarily unavailable')

    def handle_error(self):
        self.errors.append('handle_error')
        self.close()


chat = Chat(a, map={})
chat.set_terminator(b'\n')
case('asynchat handle_read meeting EAGAIN', lambda: (chat.handle_read(), chat.errors, chat.connected))
chat.close()
b.close()
