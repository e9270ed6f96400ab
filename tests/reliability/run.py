#!/usr/bin/env python3
"""Reliability cases driven from scripts (the Java ones are the `reliabilityTest` JUnit task).

  jython-integrity  tests/reliability/jy_integrity.py on bin/sockbridge-jython: seeded random bytes
                    in random chunks echoed through blocking, timeout, non-blocking+epoll and ssl
                    paths; SHA-256 of sent, seen by the server and echoed must be equal.
                    CI: 8 MiB per path; --full: 1 GiB per path, with TCP_NODELAY.
  c10k              one Jython + plug-in epoll server thread (jy_epoll_server.py) holding 10,000
                    concurrent clients from this CPython 3 process (RLIMIT_NOFILE raised for both);
                    every client's message must come back, the server's JVM thread count (after a
                    50-client warm-up) must not grow. --clients N to change the count.
  netem             loss and delay made by the kernel: a network namespace whose loopback has
                    `tc qdisc netem` (5 % loss, 20 ms delay), or, where the kernel has no netem, a
                    `tbf` queue so small it drops packets (real loss, and queueing delay); a
                    Jython echo of 2 MiB through it must come back intact, in bounded time.
                    Skipped, with the reason, when namespaces cannot be made (not root).

Writes build/reliability-results.txt: "N passed, N failed" (a skipped case is neither, and is
printed). Usage: run.py [--full] [--clients N] [--integrity-bytes N] [case ...]
"""
import argparse
import os
import random
import resource
import selectors
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, 'tests', 'reliability')
JYTHON = os.path.join(ROOT, 'bin', 'sockbridge-jython')
CERTS = os.path.join(ROOT, 'build', 'test-certs')
RESULTS = os.path.join(ROOT, 'build', 'reliability-results.txt')


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n if hard == resource.RLIM_INFINITY else min(n, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def case_jython_integrity(args):
    size = args.integrity_bytes or ((1 << 30) if args.full else (8 << 20))
    # The long run sets TCP_NODELAY (see jy_integrity.py): without it the ssl path waits on
    # Nagle + delayed ACKs for its many small records. Same bytes, chunks and digests either way.
    cmd = [JYTHON, os.path.join(HERE, 'jy_integrity.py'), str(size), CERTS] + (['--nodelay'] if args.full else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=7200 if args.full else 900)
    lines = [l for l in p.stdout.splitlines() if l.split(' ', 1)[0] in
             ('blocking', 'timeout', 'nonblocking+epoll', 'tls')]
    for l in lines:
        print('  ' + l)
    ok = len(lines) == 4 and all(l.split()[1] == 'OK' for l in lines)
    if not ok:
        print(p.stdout[-2000:], p.stderr[-3000:])
    return ok, '%d bytes per path, %d of 4 paths equal' % (size, sum(l.split()[1] == 'OK' for l in lines))


def case_c10k(args):
    n = args.clients
    limit = raise_nofile(n + 1000)
    if limit < n + 100:
        return False, 'RLIMIT_NOFILE hard limit %d is below %d clients' % (limit, n)
    server = subprocess.Popen([JYTHON, os.path.join(HERE, 'jy_epoll_server.py')], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: raise_nofile(n + 1000))
    socks = []
    try:
        line = server.stdout.readline()
        if not line.startswith('port '):
            return False, 'server did not start: %r %s' % (line, server.stderr.read()[-2000:])
        addr = ('127.0.0.1', int(line.split()[1]))
        ctrl = socket.create_connection(addr, timeout=60)
        cf = ctrl.makefile('r')

        def stats():
            ctrl.sendall(b'stats\n')
            return [int(x) for x in cf.readline().split()]

        # Warm-up: 50 clients connect, echo and leave, so the JVM's start-up threads have come and gone.
        for i in range(50):
            w = socket.create_connection(addr, timeout=60)
            w.sendall(b'warm-up\n')
            w.makefile('rb').readline()
            w.close()
        time.sleep(1)
        _, threads_before, _ = stats()
        sel = selectors.DefaultSelector()
        t0 = time.time()
        for i in range(n):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(addr)
            socks.append(s)
            sel.register(s, selectors.EVENT_WRITE, i)
            if len(sel.get_map()) >= 500 or i == n - 1:
                deadline = time.time() + 60
                while sel.get_map() and time.time() < deadline:
                    for key, _ in sel.select(1.0):
                        err = key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                        if err:
                            return False, 'client %d: connect failed, errno %d' % (key.data, err)
                        sel.unregister(key.fileobj)
                if sel.get_map():
                    return False, '%d connects did not complete in 60 s' % len(sel.get_map())
        deadline = time.time() + 120
        while True:
            held, threads_now, peak = stats()
            if held >= n + 1 or time.time() > deadline:
                break
            time.sleep(0.2)
        if held < n + 1:
            return False, 'the server holds %d of %d connections' % (held - 1, n)
        connect_s = time.time() - t0
        rnd = random.Random(8)
        want = {}
        for i, s in enumerate(socks):
            msg = ('client %d says %08x\n' % (i, rnd.getrandbits(32))).encode()
            want[i] = msg
            s.setblocking(True)
            s.sendall(msg)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, i)
        got = {i: b'' for i in range(n)}
        done = 0
        deadline = time.time() + 180
        while done < n and time.time() < deadline:
            for key, _ in sel.select(1.0):
                i = key.data
                d = key.fileobj.recv(4096)
                if not d:
                    return False, 'client %d: the server closed the connection' % i
                got[i] += d
                if got[i].endswith(b'\n'):
                    sel.unregister(key.fileobj)
                    done += 1
        bad = [i for i in range(n) if got[i] != want[i]]
        held, threads_after, peak = stats()
        ctrl.sendall(b'quit\n')
        detail = ('%d clients held at once (server peak %d), %d echoes correct, %d wrong or missing; '
                  'server JVM threads %d before, %d with all held, %d after; connect phase %.1f s, total %.1f s'
                  % (n, peak - 1, n - len(bad), len(bad), threads_before, threads_now, threads_after,
                     connect_s, time.time() - t0))
        # Constant: no thread per client. The count may not grow (a JVM housekeeping thread
        # ending is not a failure).
        ok = not bad and held >= n + 1 and max(threads_now, threads_after) <= threads_before
        return ok, detail
    finally:
        for s in socks:
            s.close()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


NS = 'sbrel%d' % os.getpid()


def sh(*cmd, ns=False):
    full = (['ip', 'netns', 'exec', NS] if ns else []) + list(cmd)
    return subprocess.run(full, capture_output=True, text=True)


def case_netem(args):
    if os.geteuid() != 0:
        return None, 'SKIPPED: network namespaces need root'
    r = sh('ip', 'netns', 'add', NS)
    if r.returncode != 0:
        return None, 'SKIPPED: ip netns add failed: ' + r.stderr.strip()
    try:
        sh('ip', 'link', 'set', 'lo', 'up', ns=True)
        # Ethernet-sized packets, so queues hold many and loss hits single segments.
        sh('ip', 'link', 'set', 'lo', 'mtu', '1500', ns=True)
        r = sh('tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '20ms', '5ms', 'loss', '5%', ns=True)
        if r.returncode == 0:
            how = 'netem: 20 ms +- 5 ms delay, 5 % loss'
        else:
            why = r.stderr.strip()
            # No netem in this kernel: a token bucket so small that bursts overflow its queue
            # drops real packets (TCP retransmits them) and queues the rest (delay).
            r = sh('tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', '20mbit', 'burst', '15000',
                   'limit', '15000', ns=True)
            if r.returncode != 0:
                return None, 'SKIPPED: neither netem (%s) nor tbf (%s) in this kernel' % (why, r.stderr.strip())
            how = 'netem unavailable (%s); tbf 20 mbit/s with a 15000-byte queue instead (drops + delay)' % why
        t0 = time.time()
        r = subprocess.run(['ip', 'netns', 'exec', NS, JYTHON, os.path.join(HERE, 'jy_lossy.py'), str(2 << 20)],
                           capture_output=True, text=True, timeout=600)
        stats = sh('tc', '-s', 'qdisc', 'show', 'dev', 'lo', ns=True).stdout
        dropped = [l.strip() for l in stats.splitlines() if 'dropped' in l]
        out = r.stdout.strip().splitlines()
        ok = r.returncode == 0 and out and out[-1].startswith('OK')
        if not ok:
            print(r.stdout[-2000:], r.stderr[-3000:])
        return ok, '%s; %s; qdisc: %s; %.1f s' % (how, out[-1] if out else 'no output', dropped[:1], time.time() - t0)
    finally:
        sh('ip', 'netns', 'del', NS)


CASES = {'jython-integrity': case_jython_integrity, 'c10k': case_c10k, 'netem': case_netem}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--full', action='store_true', help='full sizes (1 GiB per integrity path)')
    ap.add_argument('--clients', type=int, default=10000, help='c10k client count (default 10000)')
    ap.add_argument('--integrity-bytes', type=int, default=0,
                    help='jython-integrity bytes per path (default 8 MiB, or 1 GiB with --full)')
    ap.add_argument('cases', nargs='*', help='cases to run (default: all): ' + ', '.join(CASES))
    args = ap.parse_args()
    passed = failed = 0
    for name in args.cases or list(CASES):
        t0 = time.time()
        try:
            ok, detail = CASES[name](args)
        except Exception as e:  # a crashed case is a failed case
            ok, detail = False, '%s: %s' % (type(e).__name__, e)
        verdict = 'SKIP' if ok is None else 'PASS' if ok else 'FAIL'
        print('%s %s (%.0f s): %s' % (verdict, name, time.time() - t0, detail))
        sys.stdout.flush()
        if ok is True:
            passed += 1
        elif ok is False:
            failed += 1
    line = '%d passed, %d failed' % (passed, failed)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, 'w') as f:
        f.write(line + '\n')
    print(line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
