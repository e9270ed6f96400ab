# Integrity from Jython (Python 2.7 on the plug-in): seeded random bytes in random chunk sizes are
# echoed by a loopback server thread and read back in other random sizes, through the blocking,
# timeout, non-blocking + select.epoll and ssl paths. Prints one line per path:
#   "<path> OK <bytes> <sha256>" or "<path> FAIL <why>"
# Usage: sockbridge-jython jy_integrity.py BYTES CERTDIR [--nodelay] [PATH ...]
#   --nodelay sets TCP_NODELAY on both ends (the long run uses it: half the chunks are 1-64 bytes and
#   the ssl echo sends each record as it comes, so with Nagle + delayed ACKs a 1 GiB ssl run waits
#   ~40 ms per small record; the same bytes, chunk sizes and digests are checked either way).
#   PATH: blocking, timeout, nonblocking+epoll, tls (default: all four).
import hashlib
import random
import select
import socket
import ssl
import sys
import threading
import time

BYTES = int(sys.argv[1])
CERTS = sys.argv[2]
NODELAY = '--nodelay' in sys.argv[3:]
PATHS = [a for a in sys.argv[3:] if a != '--nodelay'] or ['blocking', 'timeout', 'nonblocking+epoll', 'tls']
WINDOW = 512 * 1024
SEED = 20261130


def listener():
    l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(('127.0.0.1', 0))
    l.listen(5)
    return l


def echo_plain(s, result):
    seen = hashlib.sha256()
    sizes = random.Random(SEED ^ 0xecc0)
    while True:
        d = s.recv(1 + sizes.randrange(256 * 1024))
        if not d:
            break
        seen.update(d)
        s.sendall(d)
    result.append(seen.hexdigest())
    s.close()


def echo_epoll(s, result):
    seen = hashlib.sha256()
    s.setblocking(0)
    ep = select.epoll()
    ep.register(s.fileno(), select.EPOLLIN)
    pending = b''
    eof = False
    while not eof or pending:
        events = ep.poll(30.0)
        if not events:
            raise AssertionError('epoll: nothing ready for 30 s')
        ev = events[0][1]
        if ev & select.EPOLLOUT and pending:
            try:
                n = s.send(pending)
                pending = pending[n:]
            except socket.error as e:
                if e.errno != 11:
                    raise
        if ev & (select.EPOLLIN | select.EPOLLHUP) and not pending and not eof:
            try:
                d = s.recv(256 * 1024)
                if not d:
                    eof = True
                else:
                    seen.update(d)
                    pending = d
            except socket.error as e:
                if e.errno != 11:
                    raise
        ep.modify(s.fileno(), select.EPOLLOUT if pending else select.EPOLLIN)
    ep.close()
    result.append(seen.hexdigest())
    s.close()


def client(c):
    sent = hashlib.sha256()
    got = hashlib.sha256()
    data = random.Random(SEED)
    sizes = random.Random(SEED ^ 0x5eed)
    written = 0
    read = 0
    # Once WINDOW bytes are unechoed, read until at most half of it is (hysteresis): otherwise the
    # client settles into lockstep, writing only as much as its last read returned, and the
    # write sizes stop being the random ones (an ssl read returns at most one 16 KiB record).
    draining = False
    while read < BYTES:
        if written - read >= WINDOW:
            draining = True
        elif written - read <= WINDOW // 2:
            draining = False
        if written < BYTES and not draining:
            n = min(BYTES - written, 1 + sizes.randrange(64 if sizes.random() < 0.5 else 256 * 1024))
            n = min(n, WINDOW - (written - read))
            chunk = ''.join(chr(data.getrandbits(8)) for _ in xrange(min(n, 64))) * (n // 64 + 1)
            chunk = chunk[:n]
            c.sendall(chunk)
            sent.update(chunk)
            written += n
        else:
            d = c.recv(1 + sizes.randrange(256 * 1024))
            if not d:
                raise AssertionError('EOF after %d of %d bytes' % (read, BYTES))
            got.update(d)
            read += len(d)
    return sent.hexdigest(), got.hexdigest()


def run(path):
    l = listener()
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.connect(l.getsockname())
    s, _ = l.accept()
    l.close()
    if NODELAY:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    result = []
    if path == 'blocking':
        c.settimeout(None)
        s.settimeout(None)
        target = echo_plain
    elif path == 'timeout':
        c.settimeout(30.0)
        s.settimeout(30.0)
        target = echo_plain
    elif path == 'nonblocking+epoll':
        c.settimeout(30.0)
        target = echo_epoll
    else:
        c.settimeout(30.0)
        s.settimeout(30.0)
        s = ssl.wrap_socket(s, server_side=True, certfile=CERTS + '/server.pem', keyfile=CERTS + '/server.key',
                            do_handshake_on_connect=False)
        c = ssl.wrap_socket(c, cert_reqs=ssl.CERT_REQUIRED, ca_certs=CERTS + '/ca.pem', do_handshake_on_connect=False)

        def tls_echo(s, result):
            s.do_handshake()
            echo_plain(s, result)
        target = tls_echo
    t = threading.Thread(target=target, args=(s, result))
    t.daemon = True
    t.start()
    if path == 'tls':
        c.do_handshake()
    t0 = time.time()
    sent, back = client(c)
    if path == 'tls':
        c = c.unwrap()
    c.shutdown(socket.SHUT_WR)
    t.join(120)
    c.close()
    secs = time.time() - t0
    if not result:
        return '%s FAIL the server did not finish' % path
    if sent == result[0] == back:
        return '%s OK %d %s %.1fs' % (path, BYTES, sent, secs)
    return '%s FAIL sent %s server %s back %s' % (path, sent, result[0], back)


for p in PATHS:
    try:
        print(run(p))
    except Exception as e:
        print('%s FAIL %s: %s' % (p, type(e).__name__, e))
    sys.stdout.flush()
