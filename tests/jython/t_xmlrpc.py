"""SimpleXMLRPCServer on the plug-in with an xmlrpclib client."""
import threading
import xmlrpclib
from SimpleXMLRPCServer import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

from check import check, equal


class Quiet(SimpleXMLRPCRequestHandler):
    def log_message(self, *args):
        pass


server = SimpleXMLRPCServer(('127.0.0.1', 0), requestHandler=Quiet, logRequests=False)
server.register_function(lambda a, b: a + b, 'add')
server.register_function(lambda s: s[::-1], 'reverse')
t = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05})
t.daemon = True
t.start()
proxy = xmlrpclib.ServerProxy('http://127.0.0.1:%d' % server.server_address[1])
equal('xmlrpc add', 5, proxy.add(2, 3))
equal('xmlrpc reverse', 'cba', proxy.reverse('abc'))


def fault():
    try:
        proxy.nonexistent()
    except xmlrpclib.Fault:
        return True
    return False


check('xmlrpc fault', fault)
server.shutdown()
server.server_close()
