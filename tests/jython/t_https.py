"""HTTPS on the plug-in's ssl module: BaseHTTPServer behind SSLContext.wrap_socket, fetched
with urllib2 and httplib.HTTPSConnection; the legacy ssl.wrap_socket; get_server_certificate;
verification failures surfacing through urllib2."""
import BaseHTTPServer
import httplib
import os
import socket
import ssl
import threading
import urllib2

from check import check, equal

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'build', 'test-certs')


def path(name):
    return os.path.join(D, name)


class Hello(BaseHTTPServer.BaseHTTPRequestHandler):
    def do_GET(self):
        body = 'secure %s' % self.path
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server_ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
server_ctx.load_cert_chain(path('server.pem'), path('server.key'))
httpd = BaseHTTPServer.HTTPServer(('127.0.0.1', 0), Hello)
httpd.socket = server_ctx.wrap_socket(httpd.socket, server_side=True)
t = threading.Thread(target=httpd.serve_forever, kwargs={'poll_interval': 0.05})
t.daemon = True
t.start()
port = httpd.server_address[1]
client_ctx = ssl.create_default_context(cafile=path('ca.pem'))

equal('urllib2 HTTPS with a verifying context', 'secure /a',
      urllib2.urlopen('https://localhost:%d/a' % port, context=client_ctx, timeout=10).read())


def https_connection():
    conn = httplib.HTTPSConnection('localhost', port, timeout=10, context=client_ctx)
    conn.request('GET', '/b')
    body = conn.getresponse().read()
    conn.close()
    return body == 'secure /b'


check('httplib.HTTPSConnection', https_connection)


wrong_ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
wrong_ctx.load_cert_chain(path('wronghost.pem'), path('wronghost.key'))
wrong = BaseHTTPServer.HTTPServer(('127.0.0.1', 0), Hello)
wrong.socket = wrong_ctx.wrap_socket(wrong.socket, server_side=True)
wt = threading.Thread(target=wrong.serve_forever, kwargs={'poll_interval': 0.05})
wt.daemon = True
wt.start()


def refused_by_hostname():
    # As CPython 2.7.18: the chain verifies, then match_hostname() raises CertificateError
    # (a ValueError, which urllib2 lets through).
    try:
        urllib2.urlopen('https://localhost:%d/' % wrong.server_address[1], context=client_ctx, timeout=10)
    except ssl.CertificateError as e:
        return "doesn't match" in str(e)
    return False


check('urllib2 refuses a certificate for another host', refused_by_hostname)


def default_context_refuses_test_ca():
    try:
        urllib2.urlopen('https://localhost:%d/' % port, timeout=10)
    except urllib2.URLError as e:
        return 'CERTIFICATE_VERIFY_FAILED' in str(e.reason)
    return False


check('the default context does not trust the test CA', default_context_refuses_test_ca)


def legacy_wrap_socket():
    s = ssl.wrap_socket(socket.create_connection(('127.0.0.1', port), timeout=10),
                        cert_reqs=ssl.CERT_REQUIRED, ca_certs=path('ca.pem'))
    s.sendall('GET /c HTTP/1.0\r\n\r\n')
    data = ''
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.endswith('secure /c') and s.__class__.__name__ == 'SSLSocket'


check('legacy ssl.wrap_socket', legacy_wrap_socket)


def server_certificate():
    pem = ssl.get_server_certificate(('127.0.0.1', port), ca_certs=path('ca.pem'))
    return pem == open(path('server.pem')).read()


check('get_server_certificate', server_certificate)
httpd.shutdown()
httpd.server_close()
wrong.shutdown()
wrong.server_close()
