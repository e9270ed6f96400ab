"""Socket micro-benchmarks in the common subset of Python 2.7 and 3, run by bench/run.py on
CPython 3, on Jython with the sockbridge plug-in, and on stock Jython. Prints one line per
benchmark: "name: value unit"."""
import os
import select
import socket
import subprocess
import sys
import threading
import time

QUICK = os.environ.get('BENCH_QUICK') == '1'


def report(name, value, unit):
    sys.stdout.write('%s: %.2f %s\n' % (name, value, unit))
    sys.stdout.flush()


def udp_round_trips(n):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(('127.0.0.1', 0))
    b.bind(('127.0.0.1', 0))
    a.settimeout(5)
    b.settimeout(5)
    addr_a, addr_b = a.getsockname(), b.getsockname()
    msg = b'x' * 64
    start = time.time()
    for _ in range(n):
        a.sendto(msg, addr_b)
        data, frm = b.recvfrom(2048)
        b.sendto(data, frm)
        a.recvfrom(2048)
    elapsed = time.time() - start
    a.close()
    b.close()
    return n / elapsed


def tcp_bulk(total):
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
    block = b'y' * 262144
    start = time.time()
    for _ in range(total // len(block)):
        c.sendall(block)
    c.shutdown(socket.SHUT_WR)
    t.join()
    elapsed = time.time() - start
    for x in (c, s, l):
        x.close()
    assert got[0] == total
    return total / elapsed / 1e6


def select_many(pairs, calls):
    socks = [socket.socketpair() for _ in range(pairs)]
    watch = [b for a, b in socks]
    socks[pairs // 2][0].send(b'z')
    start = time.time()
    for _ in range(calls):
        r, w, x = select.select(watch, [], [], 0)
        assert len(r) == 1
    elapsed = time.time() - start
    for a, b in socks:
        a.close()
        b.close()
    return calls / elapsed


def open_connections(n, python3):
    here = os.path.dirname(os.path.abspath(__file__))
    peer = subprocess.Popen([python3, os.path.join(here, '..', 'tests', 'peers', 'hold_server.py')],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    port = int(peer.stdout.readline())
    conns = []
    start = time.time()
    for _ in range(n):
        c = socket.socket()
        c.connect(('127.0.0.1', port))
        conns.append(c)
    elapsed = time.time() - start
    for c in conns:
        c.close()
    peer.stdin.close()
    peer.wait()
    return n / elapsed


def rss_kb():
    """This process's resident memory in KB (Linux /proc)."""
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS'):
                return int(line.split()[1])
    return 0


def memory_per_connection(n, python3):
    """Resident memory added per open client connection, in KB (after a warm-up)."""
    here = os.path.dirname(os.path.abspath(__file__))
    peer = subprocess.Popen([python3, os.path.join(here, '..', 'tests', 'peers', 'hold_server.py')],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    port = int(peer.stdout.readline())
    warm = []
    for _ in range(200):
        c = socket.socket()
        c.connect(('127.0.0.1', port))
        warm.append(c)
    for c in warm:
        c.close()
    before = rss_kb()
    conns = []
    for _ in range(n):
        c = socket.socket()
        c.connect(('127.0.0.1', port))
        conns.append(c)
    per = (rss_kb() - before) / float(n)
    for c in conns:
        c.close()
    peer.stdin.close()
    peer.wait()
    return per


def main():
    """Runs the benchmarks named on the command line (all when none is named)."""
    python3 = os.environ.get('SOCKBRIDGE_PYTHON3', 'python3')
    scale = 10 if QUICK else 1
    benches = [
        ('udp_round_trips', lambda: udp_round_trips(20000 // scale), 'round trips/s'),
        ('tcp_bulk', lambda: tcp_bulk((200 // scale) * 1024 * 1024), 'MB/s'),
        ('select_500_sockets', lambda: select_many(250, 2000 // scale), 'selects/s'),
        ('open_10000_connections', lambda: open_connections(10000 // scale, python3), 'connections/s'),
        ('memory_per_connection', lambda: memory_per_connection(10000 // scale, python3), 'KB'),
    ]
    wanted = sys.argv[1:]
    for name, fn, unit in benches:
        if not wanted or name in wanted:
            report(name, fn(), unit)


main()
