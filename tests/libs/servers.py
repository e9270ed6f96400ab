#!/usr/bin/env python3
"""The CPython 3 peers for the library tests, all on loopback in one process (one PID to stop):

- HTTP and HTTPS (http.server + ssl): /hello, /conn (which connection served this request and
  how many requests it has served; the SNI name the TLS handshake carried), /chunked, /big
  (20 MiB, its SHA-256 in a header), /upload (digest of a POSTed body), /json, /redirect;
- HTTPS with a wrong-host certificate, with one from an unknown CA, and one that requires a
  client certificate; HTTP and HTTPS on ::1;
- a server that accepts and never answers (read timeouts) and a listener whose backlog is full
  (connect timeouts);
- XML-RPC (xmlrpc.server);
- SMTP with STARTTLS and AUTH, and SMTP over implicit TLS (aiosmtpd); each delivered message is
  written as JSON to a spool directory;
- FTP and FTPS (pyftpdlib; FTPS with TLS required on control and data connections).

Usage: servers.py CERT_DIR WORK_DIR. Prints one JSON line with the ports, then serves until its
standard input closes (or 600 s pass).
"""

import hashlib
import http.server
import json
import os
import random
import socket
import ssl
import sys
import threading
import time
import xmlrpc.client
import xmlrpc.server

CERTS, WORK = sys.argv[1], sys.argv[2]
BIG = random.Random(20).randbytes(20 * 1024 * 1024)
BIG_SHA = hashlib.sha256(BIG).hexdigest()
CHUNKS = [('chunk %d of the chunked response\n' % i).encode() * (i + 1) for i in range(40)]
HOST = '127.0.0.1'


def server_context(name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(CERTS, name + '.pem'), os.path.join(CERTS, name + '.key'))
    return ctx


def log(msg):
    sys.stderr.write('servers: %s\n' % msg)
    sys.stderr.flush()


# ---------------------------------------------------------------- HTTP / HTTPS

SNI_SEEN = {}
CLOSED = set()  # ids of connections the client has closed (the handler saw EOF and finished)
CONN_IDS = iter(range(1, 1 << 30))
CONN_LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    tls_context = None

    def setup(self):
        with CONN_LOCK:
            self.conn_id = next(CONN_IDS)
        self.served = 0
        self.sni = None
        self.client_cn = None
        if self.tls_context is not None:
            self.request.settimeout(10)
            self.request = self.tls_context.wrap_socket(self.request, server_side=True)
            self.sni = SNI_SEEN.pop(id(self.request), None)
            cert = self.request.getpeercert()
            self.client_cn = cert and dict(x[0] for x in cert['subject'])['commonName']
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            CLOSED.add(self.conn_id)

    def log_message(self, *args):
        pass

    def send(self, body, ctype='text/plain', extra=()):
        self.send_response(200)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.served += 1
        path = self.path
        if path == '/hello':
            scheme = 'https' if self.tls_context else 'http'
            self.send(('hello from python3 over %s' % scheme).encode())
        elif path == '/conn':
            self.send(json.dumps({'conn': self.conn_id, 'served': self.served, 'sni': self.sni,
                                  'client_port': self.client_address[1],
                                  'client_cn': self.client_cn}).encode(),
                      'application/json')
        elif path.startswith('/closed/'):
            self.send(json.dumps({'closed': int(path[8:]) in CLOSED}).encode(), 'application/json')
        elif path == '/json':
            self.send(json.dumps({'text': 'caf\u00e9 \u2603', 'n': [1, 2.5, None, True]}).encode(),
                      'application/json; charset=utf-8')
        elif path == '/redirect':
            self.send_response(302)
            self.send_header('Location', '/hello')
            self.send_header('Content-Length', '0')
            self.end_headers()
        elif path == '/chunked':
            self.send_response(200)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Transfer-Encoding', 'chunked')
            self.end_headers()
            for c in CHUNKS:
                self.wfile.write(b'%x\r\n%s\r\n' % (len(c), c))
                self.wfile.flush()
            self.wfile.write(b'0\r\n\r\n')
        elif path == '/big':
            self.send(BIG, 'application/octet-stream', [('X-Sha256', BIG_SHA)])
        else:
            self.send_error(404)

    def do_POST(self):
        self.served += 1
        n = int(self.headers['Content-Length'])
        body = self.rfile.read(n)
        self.send(json.dumps({'length': len(body), 'sha256': hashlib.sha256(body).hexdigest(),
                              'ctype': self.headers.get('Content-Type')}).encode(),
                  'application/json')


class V6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def http_server(cert=None, client_certs=False, host=HOST):
    ctx = None
    if cert:
        ctx = server_context(cert)
        if client_certs:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(os.path.join(CERTS, 'ca.pem'))
        ctx.sni_callback = lambda sslsock, name, _ctx: SNI_SEEN.__setitem__(id(sslsock), name)
    handler = type('H', (Handler,), {'tls_context': ctx})
    cls = V6Server if ':' in host else http.server.ThreadingHTTPServer
    srv = cls((host, 0), handler)
    srv.daemon_threads = True
    srv.handle_error = lambda request, addr: log('http error from %s: %s' % (addr, sys.exc_info()[1]))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv.server_address[1]


# ---------------------------------------------------------------- silent and full-backlog servers

HELD = []


def silent_server():
    """Accepts every connection and never sends a byte."""
    lsock = socket.socket()
    lsock.bind((HOST, 0))
    lsock.listen(16)

    def loop():
        while True:
            conn, _ = lsock.accept()
            HELD.append(conn)
    threading.Thread(target=loop, daemon=True).start()
    return lsock.getsockname()[1]


def full_backlog_server():
    """A listener that never accepts, with its accept queue filled by our own connections, so a
    new SYN is dropped and a client's connect times out."""
    lsock = socket.socket()
    lsock.bind((HOST, 0))
    lsock.listen(0)
    HELD.append(lsock)
    port = lsock.getsockname()[1]
    for _ in range(16):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex((HOST, port))
        HELD.append(c)
        probe = socket.socket()
        probe.settimeout(0.3)
        try:
            probe.connect((HOST, port))
        except socket.timeout:
            probe.close()
            return port
        HELD.append(probe)
    raise RuntimeError('could not fill the backlog')


# ---------------------------------------------------------------- XML-RPC

def xmlrpc_server():
    srv = xmlrpc.server.SimpleXMLRPCServer((HOST, 0), allow_none=True, logRequests=False,
                                           use_builtin_types=False)
    srv.register_introspection_functions()
    srv.register_multicall_functions()
    srv.register_function(lambda a, b: a + b, 'add')
    srv.register_function(lambda x: x, 'echo')
    srv.register_function(lambda b: hashlib.sha256(b.data).hexdigest(), 'sha256')
    srv.register_function(lambda n: xmlrpc.client.Binary(BIG[:n]), 'blob')

    def fail(msg):
        raise ValueError(msg)
    srv.register_function(fail, 'fail')
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv.server_address[1]


# ---------------------------------------------------------------- SMTP (aiosmtpd)

def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    spool = os.path.join(WORK, 'smtp-spool')
    os.makedirs(spool, exist_ok=True)
    counter = iter(range(1, 1 << 30))

    class Spool:
        async def handle_DATA(self, server, session, envelope):
            record = {'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos,
                      'data': envelope.original_content.decode('latin-1'),
                      'tls': session.ssl is not None or (
                          server.transport.get_extra_info('ssl_object') is not None),
                      'authenticated': bool(session.authenticated)}
            path = os.path.join(spool, 'msg%d.json' % next(counter))
            with open(path + '.tmp', 'w') as f:
                json.dump(record, f)
            os.rename(path + '.tmp', path)
            return '250 Message accepted for delivery'

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b'sbuser' and auth_data.password == b's3cret'
        return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 itself

    port = free_port()
    ctl = Controller(Spool(), hostname=HOST, port=port, tls_context=server_context('server'),
                     require_starttls=True, authenticator=authenticator, auth_require_tls=True,
                     server_hostname='localhost')
    ctl.start()
    HELD.append(ctl)
    # Implicit TLS (SMTPS, smtplib.SMTP_SSL): TLS from the first byte, AUTH allowed at once.
    port_ssl = free_port()
    ctl_ssl = Controller(Spool(), hostname=HOST, port=port_ssl, ssl_context=server_context('server'),
                         authenticator=authenticator, server_hostname='localhost',
                         # aiosmtpd counts only STARTTLS as TLS; this whole connection is TLS.
                         auth_require_tls=False)
    ctl_ssl.start()
    HELD.append(ctl_ssl)
    return port, port_ssl, spool


# ---------------------------------------------------------------- FTP / FTPS (pyftpdlib)

def ftp_servers():
    import logging
    logging.getLogger('pyftpdlib').setLevel(logging.WARNING)
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
    from pyftpdlib.servers import FTPServer
    home = os.path.join(WORK, 'ftp-home')
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, 'readme.txt'), 'wb') as f:
        f.write(b'files served by pyftpdlib\r\nsecond line\r\n')
    auth = DummyAuthorizer()
    auth.add_user('sbuser', 's3cret', home, perm='elradfmwMT')
    plain = type('Plain', (FTPHandler,), {'authorizer': auth, 'auth_failed_timeout': 0.2})
    tls = type('Tls', (TLS_FTPHandler,), {
        'authorizer': auth, 'auth_failed_timeout': 0.2, 'certfile': os.path.join(CERTS, 'server.pem'),
        'keyfile': os.path.join(CERTS, 'server.key'),
        'tls_control_required': True, 'tls_data_required': True})
    s1 = FTPServer((HOST, 0), plain)
    s2 = FTPServer((HOST, 0), tls)
    # Both servers share pyftpdlib's one IOLoop; one thread runs it.
    threading.Thread(target=s1.serve_forever, kwargs={'handle_exit': False}, daemon=True).start()
    return s1.address[1], s2.address[1], home


def main():
    ports = {
        'http': http_server(),
        'https': http_server('server'),
        'https_wronghost': http_server('wronghost'),
        'https_unknownca': http_server('unknownca'),
        'https_clientcert': http_server('server', client_certs=True),
        'http6': http_server(host='::1'),
        'https6': http_server('server', host='::1'),
        'silent': silent_server(),
        'backlog': full_backlog_server(),
        'xmlrpc': xmlrpc_server(),
        'big_sha256': BIG_SHA,
    }
    ports['smtp'], ports['smtps'], ports['smtp_spool'] = smtp_server()
    ports['ftp'], ports['ftps'], ports['ftp_home'] = ftp_servers()
    print(json.dumps(ports), flush=True)
    deadline = time.time() + 600
    stdin = threading.Thread(target=sys.stdin.read, daemon=True)
    stdin.start()
    while stdin.is_alive() and time.time() < deadline:
        stdin.join(1)
    for c in HELD:
        if hasattr(c, 'stop'):
            c.stop()
    os._exit(0)


if __name__ == '__main__':
    main()
