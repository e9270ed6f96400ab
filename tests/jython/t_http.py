"""BaseHTTPServer / SimpleHTTPServer served on the plug-in, fetched with urllib2 and httplib."""
import BaseHTTPServer
import httplib
import os
import SimpleHTTPServer
import tempfile
import threading
import urllib2

from check import check, equal


class Hello(BaseHTTPServer.BaseHTTPRequestHandler):
    def do_GET(self):
        body = 'hello from %s' % self.path
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.getheader('content-length'))
        body = self.rfile.read(n)[::-1]
        self.send_response(201)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start(handler):
    server = BaseHTTPServer.HTTPServer(('127.0.0.1', 0), handler)
    t = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05})
    t.daemon = True
    t.start()
    return server


server = start(Hello)
base = 'http://127.0.0.1:%d' % server.server_address[1]
equal('urllib2 GET', 'hello from /x?y=1', urllib2.urlopen(base + '/x?y=1', timeout=5).read())
equal('urllib2 POST', 'cba', urllib2.urlopen(base + '/p', data='abc', timeout=5).read())


def httplib_keepalive():
    conn = httplib.HTTPConnection('127.0.0.1', server.server_address[1], timeout=5)
    conn.request('GET', '/one')
    first = conn.getresponse().read()
    conn.request('POST', '/two', body='xyz')
    r = conn.getresponse()
    second = (r.status, r.read())
    conn.close()
    return (first, second) == ('hello from /one', (201, 'zyx'))


check('httplib two requests', httplib_keepalive)


def missing_host():
    try:
        urllib2.urlopen('http://no-such-host.invalid/', timeout=5)
    except urllib2.URLError as e:
        return 'Name or service not known' in str(e.reason) or 'not known' in str(e.reason)
    return False


check('urllib2 unknown host is URLError(gaierror)', missing_host)
server.shutdown()
server.server_close()

d = tempfile.mkdtemp()
with open(os.path.join(d, 'file.txt'), 'w') as f:
    f.write('static content')
os.chdir(d)


class Quiet(SimpleHTTPServer.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


static = start(Quiet)
equal('SimpleHTTPServer file', 'static content',
      urllib2.urlopen('http://127.0.0.1:%d/file.txt' % static.server_address[1], timeout=5).read())
static.shutdown()
static.server_close()
