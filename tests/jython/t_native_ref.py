"""The holder count that shares one native socket between a socket object, its dup()s and its
makefile() files (_socket._NativeRef) is atomic: Jython has no GIL, so threads taking and
dropping holders at once must neither lose one (the fd leaks) nor drop one twice (the fd closes
under a live holder)."""
import socket
import threading

from check import check, equal

ROUNDS = 20000
THREADS = 4


def hammer(ref):
    def work():
        for _ in xrange(ROUNDS):
            ref.acquire()
            ref.release()
    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


s = socket.socket()
ref = s._sock._ref
fd = s.fileno()
hammer(ref)
equal('%d threads x %d acquire/release leave one holder' % (THREADS, ROUNDS), 1, ref.holders)
check('the socket is still open after them', lambda: s.fileno() == fd)

# The same through the public API: makefile() files opened and closed from several threads.
a, b = socket.socketpair()


def files():
    for _ in xrange(2000):
        a.makefile('rb').close()


threads = [threading.Thread(target=files) for _ in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
a.sendall('x')
equal('makefile()/close() from %d threads: the socket still works' % THREADS, 'x', b.recv(1))
a.close()
equal('close() of the last holder closes the fd: the peer sees EOF', '', b.recv(1))
b.close()
