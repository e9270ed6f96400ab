"""Socket benchmarks in the common subset of Python 2.7 and 3: the same script runs on CPython 3,
CPython 2.7.18, Jython with the sockbridge plug-in and stock Jython.

bench/run.py starts it once per runtime as a worker (so the JVM's start-up and JIT warm-up are
paid once) and sends one command per line on stdin; each answer is one line of JSON on stdout:
{"value": ...} (plus details) or {"error": "..."}. Every measurement runs for a given time, not a
given count, so a slow runtime is capped by time instead of never finishing.

Commands (SECONDS is the measuring time):
  udp_rtt SECONDS             64-byte UDP ping-pong, both sockets with settimeout(5): us per round trip
  ready KIND N SECONDS        KIND select/poll/epoll over N UDP sockets, one readable: us per call
  tcp_stream SECONDS          one loopback connection, sendall of 256 KiB blocks, recv(262144) in a thread: MB/s
  tls_hs SECONDS CERTDIR      TLS full handshakes/s, client (main thread) + server (thread), P-256 certificate
  tls_bulk SECONDS CERTDIR    TLS bulk transfer over one connection: MB/s
  idle N PORT CAP             open N connections to a holding peer on PORT: seconds, threads, RSS
                              (and on a JVM heap after GC) per connection
  free                        close cached sockets
  quit
Run by hand: echo 'udp_rtt 1' | python3 bench/socket_bench.py
"""
import json
import os
import select
import socket
import sys
import threading
import time

try:
    import ssl
except Exception as e:  # stock Jython 2.7.3 cannot import ssl here
    ssl = None
    SSL_IMPORT_ERROR = '%s: %s' % (type(e).__name__, e)

MSG = b'x' * 64
BLOCK = b'y' * 262144


def timed(seconds, batch, op):
    """Runs op() in batches until `seconds` have passed; returns (calls, elapsed seconds)."""
    n = 0
    start = time.time()
    while True:
        for _ in range(batch):
            op()
        n += batch
        elapsed = time.time() - start
        if elapsed >= seconds:
            return n, elapsed


def udp_rtt(seconds):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(('127.0.0.1', 0))
    b.bind(('127.0.0.1', 0))
    a.settimeout(5)
    b.settimeout(5)
    addr_b = b.getsockname()

    def once():
        a.sendto(MSG, addr_b)
        data, frm = b.recvfrom(2048)
        b.sendto(data, frm)
        a.recvfrom(2048)
    try:
        for _ in range(200):
            once()
        n, elapsed = timed(seconds, 64, once)
    finally:
        a.close()
        b.close()
    return {'value': elapsed / n * 1e6}


class ReadySet(object):
    """N UDP sockets, one of them bound with a datagram waiting (level-triggered: it stays
    readable). The others are not bound, so 10,000 of them take no ports."""

    def __init__(self, n):
        self.n = n
        self.socks = []
        try:
            for _ in range(n):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                self.socks.append(s)
            self.socks[n // 2].bind(('127.0.0.1', 0))
            sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sender.sendto(b'z', self.socks[n // 2].getsockname())
            sender.close()
            time.sleep(0.05)
        except Exception:
            self.close()
            raise
        self.pollers = {}

    def poller(self, kind):
        if kind not in self.pollers:
            if kind == 'poll':
                p = select.poll()
                for s in self.socks:
                    p.register(s, select.POLLIN)
            elif kind == 'epoll':
                p = select.epoll()
                for s in self.socks:
                    p.register(s.fileno(), select.EPOLLIN)
            else:
                p = None
            self.pollers[kind] = p
        return self.pollers[kind]

    def close(self):
        for p in getattr(self, 'pollers', {}).values():
            if hasattr(p, 'close'):
                p.close()
        for s in self.socks:
            s.close()
        self.socks = []


_ready_cache = [None]


def ready(kind, n, seconds):
    cached = _ready_cache[0]
    if cached is None or cached.n != n:
        free()
        _ready_cache[0] = cached = ReadySet(n)
    rs = cached
    if kind == 'select':
        watch = rs.socks

        def once():
            r, w, x = select.select(watch, [], [], 0)
            if len(r) != 1:
                raise AssertionError('select found %d ready, not 1' % len(r))
    elif kind in ('poll', 'epoll'):
        if kind == 'epoll' and not hasattr(select, 'epoll'):
            return {'error': 'select.epoll does not exist here'}
        if kind == 'poll' and not hasattr(select, 'poll'):
            return {'error': 'select.poll does not exist here'}
        p = rs.poller(kind)
        # poll() takes milliseconds, epoll.poll() seconds; 0 means "do not wait" in both.
        def once():
            got = p.poll(0)
            if len(got) != 1:
                raise AssertionError('%s found %d ready, not 1' % (kind, len(got)))
    else:
        return {'error': 'unknown kind %s' % kind}
    once()
    batch = 64 if n <= 1000 else 8
    n_calls, elapsed = timed(seconds, batch, once)
    return {'value': elapsed / n_calls * 1e6}


def free():
    if _ready_cache[0] is not None:
        _ready_cache[0].close()
        _ready_cache[0] = None


def tcp_stream(seconds):
    l = socket.socket()
    l.bind(('127.0.0.1', 0))
    l.listen(1)
    c = socket.socket()
    c.connect(l.getsockname())
    s, _ = l.accept()
    got = [0]

    def reader():
        while True:
            chunk = s.recv(262144)
            if not chunk:
                break
            got[0] += len(chunk)
    t = threading.Thread(target=reader)
    t.start()
    sent = 0
    try:
        c.sendall(BLOCK)
        sent += len(BLOCK)
        start = time.time()
        while time.time() - start < seconds:
            for _ in range(8):
                c.sendall(BLOCK)
            sent += 8 * len(BLOCK)
        c.shutdown(socket.SHUT_WR)
        t.join()
        elapsed = time.time() - start
    finally:
        for x in (c, s, l):
            x.close()
    if got[0] != sent:
        return {'error': 'received %d of %d bytes' % (got[0], sent)}
    return {'value': (sent - len(BLOCK)) / elapsed / 1e6}


def _contexts(certdir):
    """Server context (P-256 certificate) and a function making a client context that verifies it."""
    proto_server = getattr(ssl, 'PROTOCOL_TLS_SERVER', None) or ssl.PROTOCOL_SSLv23
    proto_client = getattr(ssl, 'PROTOCOL_TLS_CLIENT', None) or ssl.PROTOCOL_SSLv23
    server = ssl.SSLContext(proto_server)
    server.load_cert_chain(os.path.join(certdir, 'server.pem'), os.path.join(certdir, 'server.key'))
    ca = os.path.join(certdir, 'ca.pem')

    def client():
        ctx = ssl.SSLContext(proto_client)
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.check_hostname = True
        ctx.load_verify_locations(ca)
        return ctx
    return server, client


def _listener():
    l = socket.socket()
    l.bind(('127.0.0.1', 0))
    l.listen(16)
    return l


def tls_hs(seconds, certdir):
    """Full handshakes: a fresh client context per connection (so no runtime resumes a session
    it cached in a shared context), one byte from the server after its side completes (so both
    ends have finished), then close."""
    if ssl is None:
        return {'error': 'cannot import ssl (%s)' % SSL_IMPORT_ERROR}
    server_ctx, client_ctx = _contexts(certdir)
    l = _listener()
    addr = l.getsockname()
    errors = []
    stop = [False]

    def serve():
        while True:
            conn, _ = l.accept()
            if stop[0]:
                conn.close()
                return
            try:
                s = server_ctx.wrap_socket(conn, server_side=True)
                s.sendall(b'!')
                s.close()
            except Exception as e:
                errors.append('server: %s: %s' % (type(e).__name__, e))
            # On 2.7 the wrapped socket shares the descriptor with conn: close both.
            conn.close()
    t = threading.Thread(target=serve)
    t.daemon = True
    t.start()
    version = [None]

    def once():
        c = socket.socket()
        c.connect(addr)
        s = client_ctx().wrap_socket(c, server_hostname='localhost')
        if s.recv(1) != b'!':
            raise AssertionError('no byte from the server')
        version[0] = s.version()
        s.close()
        c.close()
    try:
        once()
        n, elapsed = timed(seconds, 4, once)
    finally:
        stop[0] = True
        try:
            socket.create_connection(addr).close()
        except Exception:
            pass
        t.join(10)
        l.close()
    if errors:
        return {'error': errors[0]}
    return {'value': n / elapsed, 'version': version[0]}


def tls_bulk(seconds, certdir):
    if ssl is None:
        return {'error': 'cannot import ssl (%s)' % SSL_IMPORT_ERROR}
    server_ctx, client_ctx = _contexts(certdir)
    l = _listener()
    c = socket.socket()
    c.connect(l.getsockname())
    conn, _ = l.accept()
    got = [0]
    result = {}
    errors = []

    def serve():
        try:
            s = server_ctx.wrap_socket(conn, server_side=True)
            while True:
                chunk = s.recv(262144)
                if not chunk:
                    raise AssertionError('EOF before the end mark')
                got[0] += len(chunk)
                if chunk[-1:] == b'!':
                    break
            s.sendall(b'k')
            s.close()
        except Exception as e:
            errors.append('server: %s: %s' % (type(e).__name__, e))
        conn.close()
    t = threading.Thread(target=serve)
    t.start()
    sent = 0
    try:
        s = client_ctx().wrap_socket(c, server_hostname='localhost')
        result['version'] = s.version()
        s.sendall(BLOCK)
        sent += len(BLOCK)
        start = time.time()
        while time.time() - start < seconds:
            for _ in range(4):
                s.sendall(BLOCK)
            sent += 4 * len(BLOCK)
        # The end: one '!' (OpenSSL 3 under 2.7.18 takes a bare EOF as an error); the reader
        # answers once it has everything, so neither side closes with unread data (a reset).
        s.sendall(b'!')
        sent += 1
        ack = s.recv(1)
        t.join()
        elapsed = time.time() - start
        s.close()
        c.close()
        if ack != b'k':
            errors.append('no acknowledgement from the reader')
    finally:
        c.close()
        l.close()
    if errors:
        return {'error': errors[0]}
    if got[0] != sent:
        return {'error': 'received %d of %d bytes' % (got[0], sent)}
    result['value'] = (sent - len(BLOCK)) / elapsed / 1e6
    return result


def proc_status(field):
    """A field of this process's /proc/self/status (on Jython: the JVM's), as an int."""
    f = open('/proc/self/status')
    try:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    finally:
        f.close()
    return 0


def java_heap():
    """On a JVM: heap in use after a collection, in bytes; None elsewhere."""
    if not sys.platform.startswith('java'):
        return None
    from java.lang import Runtime, System
    for _ in range(2):
        System.gc()
        time.sleep(0.1)
    rt = Runtime.getRuntime()
    return rt.totalMemory() - rt.freeMemory()


def idle(n, port, cap):
    """Opens n connections (after 200 for warm-up) and keeps them; cap: give up after that many
    seconds (stock Jython). Threads and RSS are the process's own, before and after."""
    free()
    warm = []
    for _ in range(200):
        c = socket.socket()
        c.connect(('127.0.0.1', port))
        warm.append(c)
    for c in warm:
        c.close()
    time.sleep(0.2)
    heap0 = java_heap()
    time.sleep(0.2)
    threads0, rss0 = proc_status('Threads'), proc_status('VmRSS')
    conns = []
    start = time.time()
    capped = False
    try:
        while len(conns) < n:
            c = socket.socket()
            c.connect(('127.0.0.1', port))
            conns.append(c)
            if len(conns) % 100 == 0 and time.time() - start > cap:
                capped = True
                break
        elapsed = time.time() - start
        # Both RSS readings follow a collection on a JVM (java_heap), so they are taken alike.
        heap1 = java_heap()
        time.sleep(0.2)
        threads1, rss1 = proc_status('Threads'), proc_status('VmRSS')
    finally:
        for c in conns:
            c.close()
    out = {'value': elapsed, 'opened': len(conns), 'threads_before': threads0,
           'threads_after': threads1, 'rss_per_conn_bytes': (rss1 - rss0) * 1024.0 / max(1, len(conns))}
    if heap0 is not None:
        out['heap_per_conn_bytes'] = (heap1 - heap0) / float(max(1, len(conns)))
    if capped:
        out['capped_after_s'] = cap
    return out


def handle(words):
    cmd, args = words[0], words[1:]
    if cmd == 'udp_rtt':
        return udp_rtt(float(args[0]))
    if cmd == 'ready':
        return ready(args[0], int(args[1]), float(args[2]))
    if cmd == 'tcp_stream':
        return tcp_stream(float(args[0]))
    if cmd == 'tls_hs':
        return tls_hs(float(args[0]), args[1])
    if cmd == 'tls_bulk':
        return tls_bulk(float(args[0]), args[1])
    if cmd == 'idle':
        return idle(int(args[0]), int(args[1]), float(args[2]))
    if cmd == 'free':
        free()
        return {'value': 0}
    return {'error': 'unknown command %r' % cmd}


def main():
    out = sys.stdout
    out.write(json.dumps({'ready': True, 'version': sys.version.split()[0],
                          'platform': sys.platform}) + '\n')
    out.flush()
    while True:
        line = sys.stdin.readline()
        if not line or line.strip() == 'quit':
            break
        words = line.split()
        if not words:
            continue
        try:
            result = handle(words)
        except Exception as e:
            result = {'error': '%s: %s' % (type(e).__name__, e)}
        out.write(json.dumps(result) + '\n')
        out.flush()
    free()


if __name__ == '__main__':
    main()
