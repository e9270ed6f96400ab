#!/usr/bin/env python3
"""sockbridge's one benchmark command (`gradle bench`, `gradle bench --quick`).

Runs every case against its peers in the same run: each runtime is a long-lived worker (one
JVM start-up), every case first warms each peer up (it repeats the measurement unrecorded for
WARM_SECONDS, less for the cheap readiness cases), then REPS rounds in which the peers alternate (the order rotates each round). Each figure is the
median of the rounds with the spread (min-max). Writes docs/benchmarks.md (figures, peers,
ratios, targets met/missed, date, machine), docs/benchmarks.png (the ratios) and the raw
numbers to build/bench-results.json.

Gradle passes --classpath (bench classes + the jar), --rust (the Rust floor / load generator)
and --certs (build/test-certs). By hand, after `gradle -q --offline jar testCerts benchClasses
benchRust`: python3 bench/run.py --quick --classpath ... (see gradle/bench.gradle).
--only SECTION[,SECTION] runs some sections: python, ready, java, echo, idle.
"""
import argparse
import datetime
import json
import os
import platform
import queue
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LOGS = os.path.join(ROOT, 'build', 'bench-logs')

# Slots for Java echo servers driven by the same load generator as the Python echo script.
# Each is a main class that prints its port as the last word of its first stdout line and
# serves until killed; a class that is not on the classpath is reported "not available".
# The EventLoop server is examples/EventLoopEchoServer.java as shipped (port 0: a free one).
JAVA_ECHO_SLOTS = [
    ('java', 'Java EventLoop echo (examples/EventLoopEchoServer.java)',
     (os.environ.get('BENCH_EVENTLOOP_ECHO') or 'EventLoopEchoServer 127.0.0.1 0').split()),
    ('java', 'java.nio Selector echo (bench/java)', ['org.sockbridge.bench.NioEchoServer']),
]


def log(msg):
    sys.stderr.write('[bench %s] %s\n' % (time.strftime('%H:%M:%S'), msg))
    sys.stderr.flush()


class Worker(object):
    """A runtime running a benchmark worker: commands in on stdin, one JSON line out each."""

    def __init__(self, key, label, argv, env=None):
        self.key, self.label, self.argv, self.env = key, label, argv, env
        self.proc = None
        self.info = None
        self.dead = None   # why it cannot run, once known

    def start(self):
        if self.proc is not None or self.dead:
            return
        os.makedirs(LOGS, exist_ok=True)
        env = dict(os.environ)
        env.update(self.env or {})
        err = open(os.path.join(LOGS, self.key + '.log'), 'ab')
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=err, cwd=HERE, env=env, start_new_session=True)
        except OSError as e:
            self.dead = 'cannot start %s: %s' % (self.argv[0], e)
            return
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc, self.lines), daemon=True).start()
        self.info = None

    @staticmethod
    def _pump(proc, lines):
        for line in proc.stdout:
            lines.put(line.decode('utf-8', 'replace'))
        lines.put(None)

    def _read(self, timeout):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is None:
            return {'error': '%s exited (code %s); see %s' % (
                self.label, self.proc.wait(), os.path.join('build', 'bench-logs', self.key + '.log'))}
        try:
            return json.loads(line)
        except ValueError:
            return {'error': 'unreadable answer: %r' % line[:200]}

    def ready(self, timeout=180):
        self.start()
        if self.dead:
            return False
        if self.info is None:
            got = self._read(timeout)
            if got is None or 'error' in got:
                self.dead = (got or {}).get('error') or 'did not start in %d s' % timeout
                self.kill()
                return False
            self.info = got
        return True

    def call(self, command, timeout):
        if not self.ready():
            return {'error': self.dead}
        self.proc.stdin.write((command + '\n').encode())
        self.proc.stdin.flush()
        got = self._read(timeout)
        if got is None:
            # Capped: the worker is killed (by its own process group) and started again at once,
            # so its start-up overlaps the other peers' measurements.
            self.kill()
            self.start()
            return {'error': 'did not finish in %d s (capped)' % timeout, 'capped': True}
        if 'error' in got and self.proc.poll() is not None:
            self.kill()
        return got

    def kill(self):
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
            self.proc = None

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.stdin.write(b'quit\n')
                self.proc.stdin.flush()
                self.proc.wait(timeout=10)
            except Exception:
                pass
            self.kill()


class Peer(object):
    """One contender in a case: how to take one measurement."""

    def __init__(self, key, label, measure, cap=None):
        self.key, self.label, self.measure, self.cap = key, label, measure, cap


def worker_peer(worker, command, cap=120):
    return Peer(worker.key, worker.label, lambda: worker.call(command, cap), cap)


def proc_measure(argv, timeout=120):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {'error': 'did not finish in %d s' % timeout}
    except OSError as e:
        return {'error': str(e)}
    lines = p.stdout.strip().splitlines()
    if p.stdout.lstrip().startswith('{') and len(lines) > 1:
        try:
            return json.loads(p.stdout)   # iperf3 -J: one multi-line document
        except ValueError:
            pass
    if p.returncode != 0 or not lines:
        return {'error': 'exit %d: %s' % (p.returncode, (p.stderr or p.stdout).strip()[-300:])}
    try:
        return json.loads(lines[-1])
    except ValueError:
        return {'error': 'unreadable: %r' % lines[-1][:200]}


class Case(object):
    def __init__(self, section, key, title, unit, better, peers, reps=None, warm=True, warm_share=1.0):
        self.section, self.key, self.title, self.unit, self.better = section, key, title, unit, better
        self.peers, self.reps, self.warm = peers, reps, warm
        # The warm-up lasts warm_share * WARM_SECONDS per peer (cheap per-call cases need less).
        self.warm_share = warm_share
        self.results = {}   # peer key -> {'values': [...], 'extra': [...], 'error': str}


# Warm-up time per peer and case (set by main from the mode).
WARM_SECONDS = 1.0


def run_case(case, reps):
    log('case %s: %s' % (case.key, ', '.join(p.label for p in case.peers)))
    res = case.results
    for p in case.peers:
        res[p.key] = {'label': p.label, 'values': [], 'extra': [], 'error': None}
    live = list(case.peers)

    def one(p, record):
        got = p.measure()
        if 'error' in got:
            res[p.key]['error'] = got['error']
            live.remove(p)
            log('  %s: %s' % (p.label, got['error']))
            return
        if record:
            res[p.key]['values'].append(float(got['value']))
            res[p.key]['extra'].append({k: v for k, v in got.items() if k != 'value'})
    if case.warm:
        # Every peer repeats the measurement unrecorded until it has run for the warm-up time:
        # a JVM's JIT compiles the hot paths during the first second or so, CPython needs none,
        # and all peers get the same treatment. A call that outlasts the time runs once.
        budget = WARM_SECONDS * case.warm_share
        for p in list(live):
            t = time.time()
            one(p, False)
            while p in live and time.time() - t < budget:
                one(p, False)
    n = case.reps or reps
    for r in range(n):
        order = case.peers[r % len(case.peers):] + case.peers[:r % len(case.peers)]
        for p in order:
            if p in live:
                one(p, True)
    for p in case.peers:
        v = res[p.key]['values']
        if v:
            log('  %-40s median %.4g %s (%s)' % (p.label, statistics.median(v), case.unit,
                                                  ' '.join('%.4g' % x for x in v)))


def median(case, key):
    r = case.results.get(key)
    if not r or not r['values']:
        return None
    return statistics.median(r['values'])


def fmt(x):
    if x is None:
        return '-'
    if x >= 1000:
        return '{:,.0f}'.format(x)
    if x >= 100:
        return '%.0f' % x
    if x >= 10:
        return '%.1f' % x
    return '%.2f' % x


def cell(case, key, notes):
    """The figure as 'median (min–max)'; errors become numbered notes under the table."""
    r = case.results.get(key)
    if r is None:
        return '-'
    v = r['values']

    def note(text):
        text = text.replace('|', '/')
        if len(text) <= 60:
            return text
        if text not in notes:
            notes.append(text)
        return 'note %d' % (notes.index(text) + 1)
    if not v:
        return 'n/a: ' + note(r['error'] or 'no result')
    text = '%s (%s–%s)' % (fmt(statistics.median(v)), fmt(min(v)), fmt(max(v)))
    if r['error']:
        text += ' (then %s)' % note(r['error'])
    return text


def fmt_ratio(x, unit):
    if unit == '×':
        return '%.2f×' % x
    return '%s %s' % (fmt(x), unit)


class Target(object):
    """A ratio subject/baseline (time: subject's time over baseline's; rate: subject's rate over
    baseline's) against a bound, as the issue states it."""

    def __init__(self, case, subject, baseline, op, bound, label, custom=None, unit='×', short=None):
        self.case, self.subject, self.baseline, self.op, self.bound = case, subject, baseline, op, bound
        self.label, self.custom, self.unit, self.short = label, custom, unit, short or label

    def ratio(self):
        if self.custom:
            return self.custom()
        s, b = median(self.case, self.subject), median(self.case, self.baseline)
        if s is None or b is None or b == 0:
            return None
        return s / b

    def verdict(self):
        r = self.ratio()
        if r is None:
            return 'not measured'
        ok = r <= self.bound if self.op == '<=' else r >= self.bound
        return 'met' if ok else 'missed'

    def text(self):
        return '%s %s' % ('≤' if self.op == '<=' else '≥', fmt_ratio(self.bound, self.unit))

    def value_text(self):
        r = self.ratio()
        return '-' if r is None else fmt_ratio(r, self.unit)

    def speed(self):
        """For the chart: how fast the subject is relative to the target (1 = on target,
        above 1 = better), whatever the direction of the bound."""
        r = self.ratio()
        if r is None:
            return None
        if r == 0:
            return 10.0 if self.op == '<=' else None
        return min(10.0, self.bound / r) if self.op == '<=' else r / self.bound


def machine():
    cpu = ''
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ''
    try:
        with open('/proc/meminfo') as f:
            mem = '%.1f GiB' % (int(f.readline().split()[1]) / 1048576.0)
    except OSError:
        pass
    return {'host': platform.node(), 'kernel': platform.release(), 'cpu': cpu,
            'cores': os.cpu_count(), 'memory': mem, 'load': os.getloadavg()}


def chart(targets, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        log('matplotlib is missing (pip install matplotlib): no chart')
        return False
    rows = [(t.label, t.speed(), t.verdict(), '%s (target %s)' % (t.value_text(), t.text()))
            for t in targets if t.speed() is not None]
    if not rows:
        return False
    rows.reverse()
    fig, ax = plt.subplots(figsize=(10, 0.38 * len(rows) + 1.6))
    ys = range(len(rows))
    ax.barh(list(ys), [r[1] for r in rows],
            color=['#3a9a4a' if r[2] == 'met' else '#c8403a' for r in rows])
    ax.axvline(1.0, color='black', linewidth=1)
    ax.set_xscale('log')
    ax.set_yticks(list(ys))
    ax.set_yticklabels([r[0] for r in rows], fontsize=8)
    ax.set_xlabel('performance relative to the target, log scale (1 = on target; right of the line = met; '
                  'bars end at 10); labels: the measured ratio')
    ax.set_title('sockbridge benchmark ratios against the targets of issue 9')
    for y, r in zip(ys, rows):
        ax.text(r[1], y, ' ' + r[3], va='center', fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_doc(path, cases, targets, meta, png):
    L = []
    L.append('# sockbridge benchmarks')
    L.append('')
    L.append('Generated by `%s` on %s UTC (%s mode: %d rounds of %.2g s per figure after a warm-up '
             'of %.2g s per peer (%.2g s for the readiness cases) repeating the measurement unrecorded; peers alternate, the order rotating each round). Each figure is the median of the '
             'rounds with the spread (min–max) in brackets. The run took %.0f s. Do not edit by hand: '
             'rerun the command.'
             % (meta['command'], meta['date'], meta['mode'], meta['reps'], meta['seconds'],
                meta['warm_s'], meta['warm_s'] * 0.4, meta['elapsed_s']))
    L.append('')
    m = meta['machine']
    L.append('Machine: %s, %s cores, %s, Linux %s. Load average at the start %.2f, at the end %.2f%s.'
             % (m['cpu'], m['cores'], m['memory'], m['kernel'], meta['load_start'][0],
                meta['load_end'][0], ' — the machine was busy, so these figures are noisy'
                if max(meta['load_start'][0], meta['load_end'][0]) > (m['cores'] or 1) * 0.5 else ''))
    L.append('')
    L.append('Runtimes: ' + '; '.join('%s %s' % (k, v) for k, v in meta['runtimes'].items()) + '.')
    L.append('')
    if png:
        L.append('![ratios against the targets](benchmarks.png)')
        L.append('')
    L.append('## Targets (issue 9)')
    L.append('')
    L.append('| target | ratio | bound | verdict |')
    L.append('|---|---:|---:|---|')
    for t in targets:
        r = t.ratio()
        L.append('| %s | %s | %s | %s |' % (t.label, t.value_text(), t.text(),
                                            '**missed**' if t.verdict() == 'missed' else t.verdict()))
    L.append('')
    L.append('Ratios: for times (µs) the subject\'s time over the peer\'s; for rates (per second, MB/s) the '
             'subject\'s rate over the peer\'s. The chart shows each ratio relative to its bound.')
    sections = []
    for c in cases:
        if c.section not in sections:
            sections.append(c.section)
    for s in sections:
        L.append('')
        L.append('## ' + SECTION_TITLES[s])
        L.append('')
        L.extend(SECTION_NOTES.get(s, []))
        group = [c for c in cases if c.section == s]
        peers = []
        for c in group:
            for p in c.peers:
                if p.label not in peers:
                    peers.append(p.label)
        notes = []
        L.append('| case | ' + ' | '.join(peers) + ' | against the targets |')
        L.append('|---|' + '---|' * len(peers) + '---|')
        for c in group:
            by_label = {p.label: p.key for p in c.peers}
            cells = []
            for label in peers:
                k = by_label.get(label)
                txt = cell(c, k, notes) if k else ''
                if k and c.key.startswith('echo') and c.results[k]['extra']:
                    p99 = statistics.median(e.get('p99_us', 0) for e in c.results[k]['extra'])
                    txt += '; p99 %s µs' % fmt(p99)
                if k and c.key.startswith('idle') and c.results[k]['extra']:
                    ex = c.results[k]['extra']
                    e = ex[-1]
                    txt += '; %d opened, threads %d → %d; per connection: RSS %s B' % (
                        e['opened'], e['threads_before'], e['threads_after'],
                        fmt(statistics.median(x['rss_per_conn_bytes'] for x in ex)))
                    if 'heap_per_conn_bytes' in e:
                        txt += ', JVM heap %s B' % fmt(statistics.median(x['heap_per_conn_bytes'] for x in ex))
                    if 'capped_after_s' in e:
                        txt += ' (capped after %g s)' % e['capped_after_s']
                cells.append(txt)
            mine = ['%s %s (%s): %s' % (t.short, t.value_text(), t.text(),
                                        '**missed**' if t.verdict() == 'missed' else t.verdict())
                    for t in targets if t.case is c]
            cells.append('; '.join(mine) or '—')
            L.append('| %s (%s, %s is better) | %s |' % (c.title, c.unit, c.better, ' | '.join(cells)))
        if notes:
            L.append('')
            for i, n in enumerate(notes):
                L.append('%d. %s' % (i + 1, n))
    L.append('')
    L.append('## How to run')
    L.append('')
    L.append('`gradle bench` (full) or `gradle bench --quick` (aims at under 3 minutes on an idle 2-core '
             'machine; `-Pquick` is the same). Needs python3 with matplotlib (`pip install matplotlib`), CPython 2.7.18 via pyenv '
             '(`PYENV_VERSION=2.7.18 python2`), /usr/bin/jython, iperf3, cargo. Raw numbers: '
             'build/bench-results.json; worker logs: build/bench-logs/.')
    with open(path, 'w') as f:
        f.write('\n'.join(L) + '\n')


SECTION_TITLES = {
    'python': 'Python: the same script on four runtimes',
    'ready': 'Readiness: select, poll and epoll over 100 / 1,000 / 10,000 watched sockets (one ready)',
    'java': 'Java: the facade against java.nio, Netty epoll, a pure-Rust floor, iperf3 and JSSE',
    'echo': 'Echo server under 100 concurrent clients (separate load-generator process)',
    'idle': '10,000 idle connections held by one process',
}
SECTION_NOTES = {
    'python': ['bench/socket_bench.py, one worker per runtime. UDP: 64-byte ping-pong between two sockets '
               'with settimeout(5). select: 500 UDP sockets, one bound with a datagram waiting, timeout 0. '
               'TCP: sendall of 256 KiB blocks, recv(262144) in a thread. TLS: the test certificates '
               '(P-256 ECDSA, build/test-certs), client verifies chain and hostname; full handshakes — '
               'a fresh client context per connection, so no runtime resumes a cached session — client '
               'and server threads in one process, default socket options (no TCP_NODELAY). Stock '
               'Jython is capped: a figure it cannot finish in the cap is reported as such.', ''],
    'ready': ['Watched sockets are UDP sockets (one descriptor each, unbound but the ready one, which has a datagram '
              'waiting). The poll/epoll objects are registered once; the figure is the cost of one '
              'call with timeout 0. CPython\'s select() refuses descriptors ≥ FD_SETSIZE (1024). Stock '
              'Jython\'s figures over unbound sockets are probably not comparable: it opens a socket\'s '
              'channel lazily (on bind/connect/send), so its poll() may have little to watch.', ''],
    'java': ['bench/java/org/sockbridge/bench/JavaBench.java in one warmed-up JVM; bench/rust for the '
             'floor; iperf3 (`-l 256K`) as the loopback limit. UDP: facade with a 5 s timeout, java.nio '
             'blocking DatagramChannels, Rust std sockets with a 5 s read timeout. TLS: facade = '
             'TlsContext/TlsSocket (rustls), JSSE = SSLSocket; TLS 1.3, full handshakes (fresh rustls '
             'client context / invalidated JSSE session per connection). The TCP_NODELAY column is a '
             'diagnosis with no target: the same facade handshake with TCP_NODELAY set on both ends; '
             'when it is far above the facade\'s own figure, the handshake path stalls on Nagle / delayed '
             'ACK (small writes after the handshake, e.g. session tickets then the first data).', ''],
    'echo': ['bench/echo_server.py (select.select or select.epoll, non-blocking) on each runtime; '
             'load from `sockbridge-bench echo-load` (bench/rust): 100 threads, 64-byte request, wait '
             'for the echo, repeat; requests/s over the window after a warm-up, and p99 latency. Java '
             'echo servers from bench/run.py\'s JAVA_ECHO_SLOTS (not available = class absent).', ''],
    'idle': ['Connections to a CPython 3 peer (tests/peers/hold_server.py) that accepts and holds them; '
             'after 200 warm-up connections, the time to open 10,000, the process\'s threads before '
             'and after (/proc/self/status) and its RSS growth per connection; on a JVM also the heap '
             'growth after a collection (a JVM\'s RSS moves with heap commits and uncommits, so the heap '
             'figure is the steadier one). Kernel socket buffers are in neither.', ''],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--classpath', required=True)
    ap.add_argument('--rust', required=True)
    ap.add_argument('--certs', required=True)
    ap.add_argument('--only', default='')
    ap.add_argument('--out', default=os.path.join(ROOT, 'docs'))
    a = ap.parse_args()
    # Workers run in bench/: make every path absolute.
    a.classpath = os.pathsep.join(os.path.abspath(x) for x in a.classpath.split(os.pathsep) if x)
    a.rust, a.certs = os.path.abspath(a.rust), os.path.abspath(a.certs)
    quick = a.quick
    reps = 3 if quick else 7
    secs = 0.25 if quick else 1.0
    stock_cap = 10 if quick else 90
    hs_secs = secs if quick else secs * 2
    global WARM_SECONDS
    WARM_SECONDS = 1.0 if quick else 3.0
    only = set(x for x in a.only.split(',') if x)
    want = lambda s: not only or s in only
    t0 = time.time()
    load_start = os.getloadavg()

    # 10,000 sockets need descriptors: raise the soft limit to the hard one (inherited).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    log('descriptors: %d' % hard)

    java = shutil.which('java') or 'java'
    sb = os.path.join(HERE, 'socket_bench.py')
    py27env = {'PYENV_VERSION': '2.7.18'}
    w = {
        'cpy3': Worker('cpy3', 'CPython 3', [sys.executable, sb]),
        'cpy27': Worker('cpy27', 'CPython 2.7.18', ['python2', sb], py27env),
        'plugin': Worker('plugin', 'Jython + plug-in', [os.path.join(ROOT, 'bin', 'sockbridge-jython'), sb]),
        'stock': Worker('stock', 'stock Jython', ['/usr/bin/jython', sb]),
        'java': Worker('java', 'Java (JavaBench)', [java, '-cp', a.classpath, 'org.sockbridge.bench.JavaBench']),
    }
    pyrt = ['cpy3', 'cpy27', 'plugin', 'stock']
    # Start every worker the sections need at once: the JVMs' start-ups overlap instead of adding up.
    needed = [x for k, x in w.items()
              if (k == 'java' and (want('java') or want('echo'))) or (k != 'java' and (want('python') or want('ready') or want('idle')))]
    for x in needed:
        x.start()
    echo_servers = start_echo_servers(a, w) if want('echo') else None
    for x in needed:
        if not x.ready(300):
            log('%s unavailable: %s' % (x.label, x.dead))
    runtimes = {x.label: (x.info or {}).get('version', 'unavailable: %s' % x.dead) for x in needed}

    def pypeers(command, keys=pyrt):
        return [worker_peer(w[k], command, stock_cap if k == 'stock' else 180) for k in keys]

    cases = []
    certs = a.certs
    if want('python'):
        cases += [
            Case('python', 'udp', 'UDP ping-pong round trip, 64 B, timeout mode', 'µs', 'lower',
                 pypeers('udp_rtt %g' % secs)),
            Case('python', 'select500', 'select() over 500 sockets, one ready', 'µs', 'lower',
                 pypeers('ready select 500 %g' % secs)),
            Case('python', 'tcp', 'TCP stream, one connection', 'MB/s', 'higher', pypeers('tcp_stream %g' % secs)),
            Case('python', 'tls_hs', 'TLS 1.3 full handshakes, P-256', 'handshakes/s', 'higher',
                 pypeers('tls_hs %g %s' % (hs_secs, certs))),
            Case('python', 'tls_bulk', 'TLS bulk', 'MB/s', 'higher', pypeers('tls_bulk %g %s' % (secs, certs))),
        ]
    if want('ready'):
        for n in (100, 1000, 10000):
            for kind in ('select', 'poll', 'epoll'):
                keys = ['cpy3', 'cpy27', 'plugin'] + (['stock'] if n == 100 or not quick else [])
                peers = pypeers('ready %s %d %g' % (kind, n, secs / 2), keys)
                if 'stock' not in keys:
                    peers.append(Peer('stock', w['stock'].label,
                                      lambda: {'error': 'not run in quick mode (too slow)'}))
                cases.append(Case('ready', 'ready_%s_%d' % (kind, n), '%s, %s sockets' % (kind, '{:,}'.format(n)),
                                  'µs', 'lower', peers, warm_share=0.4))
    rust = a.rust
    if want('java'):
        cases += [
            Case('java', 'j_udp', 'UDP round trip, 64 B', 'µs', 'lower', [
                worker_peer(w['java'], 'udp_rtt facade %g' % secs),
                Peer('java_nio', 'java.nio', lambda: w['java'].call('udp_rtt nio %g' % secs, 120)),
                Peer('netty', 'Netty epoll', lambda: w['java'].call('udp_rtt netty %g' % secs, 120)),
                Peer('rust', 'Rust floor (std)', lambda: proc_measure([rust, 'udp-rtt', '%g' % secs])),
            ]),
        ]
        iperf_port = 5201 + os.getpid() % 1000
        iperf = None
        if shutil.which('iperf3'):
            iperf = subprocess.Popen(['iperf3', '-s', '-B', '127.0.0.1', '-p', str(iperf_port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            time.sleep(0.5)

        def iperf_measure():
            if iperf is None:
                return {'error': 'iperf3 is not installed'}
            got = proc_measure(['iperf3', '-c', '127.0.0.1', '-p', str(iperf_port), '-l', '256K',
                                '-t', str(max(1, int(round(secs * 2)))), '-J'], 60)
            if 'error' in got:
                return got
            try:
                return {'value': got['end']['sum_received']['bits_per_second'] / 8e6}
            except (KeyError, TypeError):
                return {'error': 'iperf3: %s' % got.get('error', 'no result')}
        cases += [
            Case('java', 'j_tcp', 'TCP stream, one connection', 'MB/s', 'higher', [
                Peer('java', 'JavaBench', lambda: w['java'].call('tcp_stream facade %g' % secs, 120)),
                Peer('java_nio', 'java.nio', lambda: w['java'].call('tcp_stream nio %g' % secs, 120)),
                Peer('netty', 'Netty epoll', lambda: w['java'].call('tcp_stream netty %g' % secs, 120)),
                Peer('rust', 'Rust floor (std)', lambda: proc_measure([rust, 'tcp-stream', '%g' % secs])),
                Peer('iperf3', 'iperf3', iperf_measure),
            ]),
            Case('java', 'j_tls_hs', 'TLS 1.3 full handshakes, P-256', 'handshakes/s', 'higher', [
                Peer('java', 'JavaBench', lambda: w['java'].call('tls_hs rustls %g %s' % (hs_secs, certs), 120)),
                Peer('jsse', 'JSSE', lambda: w['java'].call('tls_hs jsse %g %s' % (hs_secs, certs), 120)),
                Peer('nodelay', 'Java facade + TCP_NODELAY (diagnosis, no target)',
                     lambda: w['java'].call('tls_hs rustls-nodelay %g %s' % (hs_secs, certs), 120)),
            ]),
            Case('java', 'j_tls_bulk', 'TLS bulk', 'MB/s', 'higher', [
                Peer('java', 'JavaBench', lambda: w['java'].call('tls_bulk rustls %g %s' % (secs, certs), 120)),
                Peer('jsse', 'JSSE', lambda: w['java'].call('tls_bulk jsse %g %s' % (secs, certs), 120)),
            ]),
        ]
        for c in cases:
            if c.section == 'java':
                for p in c.peers:
                    if p.key == 'java':
                        p.label = 'Java facade'
    # Run the worker sections first, then the ones that start their own processes.
    for c in cases:
        run_case(c, reps)
    if want('java') and iperf is not None:
        os.killpg(iperf.pid, signal.SIGKILL)
        iperf.wait()
    for k in ('cpy3', 'cpy27', 'plugin'):
        w[k].call('free', 30) if w[k].proc else None

    if want('echo'):
        cases += echo_cases(echo_servers, rust, secs, reps)
    if want('idle'):
        cases += idle_cases(w, secs, quick, 5 if quick else stock_cap)
    for x in w.values():
        x.stop()

    targets = make_targets(cases)
    meta = {'command': 'gradle bench' + (' --quick' if quick else ''), 'mode': 'quick' if quick else 'full',
            'reps': reps, 'seconds': secs, 'warm_s': WARM_SECONDS,
            'date': datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M'), 'machine': machine(),
            'load_start': load_start, 'load_end': os.getloadavg(), 'runtimes': runtimes,
            'elapsed_s': time.time() - t0}
    os.makedirs(a.out, exist_ok=True)
    png = chart(targets, os.path.join(a.out, 'benchmarks.png'))
    write_doc(os.path.join(a.out, 'benchmarks.md'), cases, targets, meta, png)
    os.makedirs(os.path.join(ROOT, 'build'), exist_ok=True)
    with open(os.path.join(ROOT, 'build', 'bench-results.json'), 'w') as f:
        json.dump({'meta': meta, 'cases': {c.key: c.results for c in cases},
                   'targets': [{'label': t.label, 'ratio': t.ratio(), 'bound': t.text(), 'verdict': t.verdict()}
                               for t in targets]}, f, indent=1, default=str)
    for t in targets:
        r = t.ratio()
        print('%-70s %12s  %-10s %s' % (t.label, t.value_text(), t.text(), t.verdict()))
    log('done in %.0f s: %s' % (time.time() - t0, os.path.join(a.out, 'benchmarks.md')))


def start_echo_servers(a, w):
    """Each echo server is started once, with the workers, so the JVM start-ups overlap."""
    servers = []
    py27env = dict(os.environ, PYENV_VERSION='2.7.18')
    script = os.path.join(HERE, 'echo_server.py')
    java = shutil.which('java') or 'java'
    runtimes = [('cpy3', 'CPython 3', [sys.executable, script], None),
                ('cpy27', 'CPython 2.7.18', ['python2', script], py27env),
                ('plugin', 'Jython + plug-in', [os.path.join(ROOT, 'bin', 'sockbridge-jython'), script], None)]
    for mode in ('select', 'epoll'):
        for key, label, argv, env in runtimes:
            servers.append((mode, key, label, argv + [mode], env))
    for key, label, argv in JAVA_ECHO_SLOTS:
        servers.append(('java', 'java_echo_' + argv[0].split('.')[-1], label,
                        [java, '-cp', a.classpath] + argv, None))
    started = []
    for mode, key, label, argv, env in servers:
        if argv[0] == java and not w['java'].ready():
            started.append((mode, key, label, None, 'not available: JavaBench did not start'))
            continue
        if argv[0] == java:
            has = w['java'].call('has_class ' + argv[3], 30)
            if 'error' in has:
                started.append((mode, key, label, None, 'not available: ' + has['error']))
                continue
        os.makedirs(LOGS, exist_ok=True)
        err = open(os.path.join(LOGS, 'echo-%s-%s.log' % (mode, key)), 'ab')
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                             env=env, cwd=HERE, start_new_session=True)
        started.append((mode, key, label, p, None))
    return started


def echo_cases(started, rust, secs, reps):
    """The load generator takes turns on the echo servers."""
    ports = {}
    for mode, key, label, p, why in started:
        if p is None:
            continue
        line = [None]
        t = threading.Thread(target=lambda: line.__setitem__(0, p.stdout.readline()), daemon=True)
        t.start()
        t.join(240)
        try:
            ports[(mode, key)] = int(line[0].split()[-1])
        except (TypeError, ValueError):
            ports[(mode, key)] = None
    cases = []
    dur = secs * 2 if secs < 0.5 else secs * 3
    for mode in ('select', 'epoll', 'java'):
        peers = []
        for m, key, label, p, why in started:
            if m != mode:
                continue
            if why:
                peers.append(Peer(key, label, (lambda why=why: {'error': why})))
            elif ports.get((m, key)) is None:
                peers.append(Peer(key, label, lambda: {'error': 'the server did not start (see build/bench-logs)'}))
            else:
                port = ports[(m, key)]
                peers.append(Peer(key, label, (lambda port=port: proc_measure(
                    [rust, 'echo-load', str(port), '100', '%g' % dur, '64'], 120))))
        if peers:
            title = {'select': 'select.select() echo server', 'epoll': 'select.epoll echo server',
                     'java': 'Java echo servers'}[mode]
            c = Case('echo', 'echo_' + mode, title, 'requests/s', 'higher', peers)
            run_case(c, reps)
            cases.append(c)
    for mode, key, label, p, why in started:
        if p is not None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return cases


def idle_cases(w, secs, quick, stock_cap):
    n = 10000

    def measure(worker, cap):
        peer = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'peers', 'hold_server.py')],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
        try:
            port = int(peer.stdout.readline())
            return worker.call('idle %d %d %g' % (n, port, cap), cap + 60)
        finally:
            peer.stdin.close()
            try:
                peer.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(peer.pid, signal.SIGKILL)
                peer.wait()
    keys = ['plugin', 'cpy3', 'cpy27', 'stock']
    peers = [Peer(k, w[k].label, (lambda k=k: measure(w[k], stock_cap if k == 'stock' else 30))) for k in keys]
    c = Case('idle', 'idle', 'time to open 10,000 connections', 's', 'lower', peers,
             reps=1 if quick else 3, warm=False)
    run_case(c, 1)
    return [c]


def make_targets(cases):
    by = {c.key: c for c in cases}
    t = []

    def add(key, subject, baseline, op, bound, label):
        if key in by:
            short = label.split(':')[0].replace(' vs ', '/').replace('CPython ', '')
            t.append(Target(by[key], subject, baseline, op, bound, label, short=short))
    names = {'udp': 'UDP round trip', 'select500': 'select over 500', 'tcp': 'TCP stream',
             'tls_hs': 'TLS handshakes', 'tls_bulk': 'TLS bulk'}
    bounds = {'udp': ('<=', 1.3), 'select500': ('<=', 2.0), 'tcp': ('>=', 0.6), 'tls_hs': ('>=', 0.8),
              'tls_bulk': ('>=', 0.8)}
    for k, (op, b) in bounds.items():
        add(k, 'plugin', 'cpy3', op, b, 'plug-in vs CPython 3: %s' % names[k])
    for k, (op, b) in bounds.items():
        add(k, 'plugin', 'cpy27', op, 1.0, 'plug-in vs CPython 2.7.18: %s' % names[k])
    for c in cases:
        if c.section == 'ready' and 'cpy27' in c.results:
            add(c.key, 'plugin', 'cpy27', '<=', 1.0, 'plug-in vs CPython 2.7.18: %s' % c.title)
        if c.section == 'echo' and 'cpy27' in c.results:
            add(c.key, 'plugin', 'cpy27', '>=', 1.0, 'plug-in vs CPython 2.7.18: %s' % c.title)
    add('j_udp', 'java', 'rust', '<=', 1.1, 'Java facade vs Rust floor: UDP round trip')
    add('j_tcp', 'java', 'iperf3', '>=', 0.95, 'Java facade vs iperf3: TCP stream')
    add('j_tls_hs', 'java', 'jsse', '>=', 4.0, 'Java facade (rustls) vs JSSE: TLS handshakes')
    add('j_udp', 'java', 'netty', '<=', 1.0, 'Java facade vs Netty epoll: UDP round trip')
    add('j_tcp', 'java', 'netty', '>=', 1.0, 'Java facade vs Netty epoll: TCP stream')
    if 'idle' in by:
        c = by['idle']

        def extra(key):
            r = c.results.get('plugin')
            return r['extra'][-1].get(key) if r and r['extra'] else None

        def opened_s():
            return median(c, 'plugin') if extra('opened') == 10000 else None

        def threads():
            a, b = extra('threads_before'), extra('threads_after')
            return None if a is None else float(b - a)

        def memory():
            r = c.results.get('plugin')
            if not r or not r['extra']:
                return None
            return statistics.median(max(e['rss_per_conn_bytes'], e.get('heap_per_conn_bytes', 0))
                                     for e in r['extra'])
        t.append(Target(c, None, None, '<=', 1.0, 'plug-in: time to open 10,000 connections', opened_s, unit='s',
                        short='plug-in open time'))
        t.append(Target(c, None, None, '<=', 10.0, 'plug-in: threads added by 10,000 connections (no thread per connection)', threads,
                        unit='threads', short='plug-in threads added'))
        t.append(Target(c, None, None, '<=', 4096.0,
                        'plug-in: memory per idle connection (RSS or JVM heap growth, the larger)', memory,
                        unit='B', short='plug-in memory each'))
    return t


if __name__ == '__main__':
    main()
