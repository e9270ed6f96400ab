"""TLS measurement in the common subset of Python 2.7 and 3: full handshakes per second and bulk
MB/s over loopback, client and server threads in one process, the P-256 test certificate
(build/test-certs, made by `gradle -q --offline testCerts`), blocking sockets, Nagle left on
(no TCP_NODELAY: a stack that writes one flight in several sends stalls on delayed ACKs here).

    python tls_bench.py [handshakes|bulk|all] [handshake seconds] [bulk MiB]

Each case first runs for TLS_BENCH_WARMUP seconds (default 5) unmeasured: Jython's code is
compiled by the JVM's JIT during its first seconds, and timing them would measure the compiler.
Prints "name: value unit" lines. Runs on CPython 2.7.18, CPython 3 and Jython + sockbridge;
bench/tls_compare.py runs all three in one go.
"""
import os
import socket
import ssl
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CERTS = os.path.join(os.path.dirname(HERE), 'build', 'test-certs')
CHUNK = 64 * 1024
WARM_UP = float(os.environ.get('TLS_BENCH_WARMUP', '5'))


def report(name, value, unit):
    sys.stdout.write('%s: %.1f %s\n' % (name, value, unit))
    sys.stdout.flush()


def contexts():
    server = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
    server.load_cert_chain(os.path.join(CERTS, 'server.pem'), os.path.join(CERTS, 'server.key'))
    client = ssl.create_default_context(cafile=os.path.join(CERTS, 'ca.pem'))
    return server, client


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', 0))
    s.listen(128)
    return s


def handshakes(seconds):
    """Full handshakes (no resumption): connect, handshake, close, one after the other."""
    server_ctx, client_ctx = contexts()
    ls = listener()
    port = ls.getsockname()[1]
    stop = []

    def serve():
        while True:
            conn, _ = ls.accept()
            if stop:
                conn.close()
                return
            try:
                server_ctx.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, socket.error):
                conn.close()

    th = threading.Thread(target=serve)
    th.daemon = True
    th.start()

    def one():
        c = socket.create_connection(('127.0.0.1', port))
        client_ctx.wrap_socket(c, server_hostname='localhost').close()

    start = time.time()
    while time.time() - start < WARM_UP:  # the JVM's JIT needs seconds, not a few calls
        one()
    n = 0
    start = time.time()
    while time.time() - start < seconds:
        one()
        n += 1
    elapsed = time.time() - start
    stop.append(1)
    socket.create_connection(('127.0.0.1', port)).close()
    th.join(10)
    ls.close()
    report('tls_handshakes', n / elapsed, 'per_s')
    report('tls_version', 0, str(t_version(client_ctx, server_ctx)))


def t_version(client_ctx, server_ctx):
    """The protocol the pair negotiates (expected TLSv1.3)."""
    a, b = socket.socket(), listener()
    port = b.getsockname()[1]
    out = []

    def serve():
        conn, _ = b.accept()
        t = server_ctx.wrap_socket(conn, server_side=True)
        out.append(t.version())
        t.close()

    th = threading.Thread(target=serve)
    th.start()
    a.connect(('127.0.0.1', port))
    t = client_ctx.wrap_socket(a, server_hostname='localhost')
    th.join(10)
    t.close()
    b.close()
    return out[0] if out else None


def bulk(megabytes):
    """Transfers of 32 MiB for the warm-up time, then the measured one."""
    start = time.time()
    while time.time() - start < WARM_UP:
        transfer(32)
    report('tls_bulk', transfer(megabytes), 'MB_per_s')


def transfer(megabytes):
    """One connection; the server sends `megabytes` MiB in 64 KiB sendall()s, the client reads
    them with recv(64 KiB); timed from the first byte read to the last. Returns MB/s."""
    server_ctx, client_ctx = contexts()
    ls = listener()
    port = ls.getsockname()[1]
    payload = os.urandom(CHUNK)
    total = megabytes * 1024 * 1024

    def serve():
        conn, _ = ls.accept()
        t = server_ctx.wrap_socket(conn, server_side=True)
        for _ in range(total // CHUNK):
            t.sendall(payload)
        t.recv(1)  # waits for the client to finish
        t.close()

    th = threading.Thread(target=serve)
    th.daemon = True
    th.start()
    c = socket.create_connection(('127.0.0.1', port))
    t = client_ctx.wrap_socket(c, server_hostname='localhost')
    got = len(t.recv(CHUNK))
    start = time.time()
    while got < total:
        data = t.recv(CHUNK)
        if not data:
            raise SystemExit('bulk: end of stream after %d of %d bytes' % (got, total))
        got += len(data)
    elapsed = time.time() - start
    t.sendall(b'.')
    th.join(10)
    t.close()
    ls.close()
    return got / elapsed / 1e6


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else 'all'
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    megabytes = int(sys.argv[3]) if len(sys.argv) > 3 else 256
    if which in ('handshakes', 'all'):
        handshakes(seconds)
    if which in ('bulk', 'all'):
        bulk(megabytes)


if __name__ == '__main__':
    main()
