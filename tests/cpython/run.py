#!/usr/bin/env python3
"""Runs CPython 2.7.18's own socket-related test suites on CPython 2.7.18 (the reference) and on
Jython + the sockbridge plug-in, and compares them test by test.

    python3 tests/cpython/run.py [-j N] [--only cpython|plugin] [--test-timeout S] [-k SUBSTR]
                                 [suite ...]
    e.g. python3 tests/cpython/run.py --only plugin -k test_echo -k SSLErrorTests test_ssl

Each suite runs in its own process (suite_main.py). A test that runs longer than --test-timeout is
recorded as a hang, the process is ended, and the suite is started again without the tests already
recorded, so one hang costs one test, not the rest of the suite. After --class-hangs hangs in a
row in one test class (no test of the class finishing in between), the rest of that class is
recorded as not run: a hang in setUp repeats for every test, and waiting for each would starve
the other classes. A suite gets at most --suite-timeout
seconds over all its attempts.

The figure that matters: of the tests CPython 2.7.18 passes here, how many pass on the plug-in.
Tests listed in excluded.txt (only what the JVM cannot do) are not run on the plug-in and are
counted apart. Writes:
    build/cpython-suites.txt                 the per-suite table
    build/cpython-suites/<impl>/<suite>.json every test's outcome (for diffing between runs)
    build/cpython-suites/<impl>/<suite>.log  the suite's output, tracebacks, watchdog stack dumps
    build/cpython-suites-results.txt         "N passed, N failed" for gradle's test summary:
        passed = tests passing on both; failed = tests CPython passes and the plug-in does not
        that known_failures.txt does not list, plus one per such hang and one per suite whose
        reference run did not finish. Listed failures are shown (with the percentage, which
        counts them as failing) but do not fail the build; a listed test that passes is reported
        so the list only shrinks.
With -k the same files are written, covering only the selected tests.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, 'build')
OUT = os.path.join(BUILD, 'cpython-suites')
CHILD = os.path.join(HERE, 'suite_main.py')
CPYTHON_TEST_DIR = os.environ.get(
    'CPYTHON_TEST_DIR', os.path.expanduser('~/.pyenv/versions/2.7.18/lib/python2.7/test'))

SUITES = ['test_socket', 'test_select', 'test_poll', 'test_epoll', 'test_asyncore',
          'test_asynchat', 'test_socketserver', 'test_httplib', 'test_urllib2_localnet',
          'test_telnetlib', 'test_httpservers', 'test_ftplib', 'test_smtplib', 'test_poplib',
          'test_ssl']

IMPLS = {
    # -B: write no .pyc/$py.class into CPython's installed test directory.
    'cpython': ['env', 'PYENV_VERSION=2.7.18', 'python2', '-B'],
    'plugin': [os.path.join(ROOT, 'bin', 'sockbridge-jython'), '-B'],
}
PASS = ('ok', 'xfail')
# unittest skip reason of support.cpython_only / impl_detail: CPython's suite itself declares the
# test an implementation detail other interpreters need not pass. Counted apart, like exclusions.
CPYTHON_ONLY = 'implementation detail specific to cpython'


def load_excluded(name='excluded.txt'):
    """{test id: reason} from one of the reviewed lists beside this script."""
    excluded = {}
    with open(os.path.join(HERE, name)) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                tid, _, reason = line.partition(' -- ')
                excluded[tid.strip()] = reason.strip()
    return excluded


def parse_events(path):
    """Returns (outcomes {id: [outcome, detail]}, order, last started id or None, hangs, done,
    suite_errors)."""
    outcomes, order, hangs, errors = {}, [], [], []
    started, done = None, False
    if not os.path.exists(path):
        return outcomes, order, None, hangs, done, errors
    with open(path, errors='replace') as f:
        for line in f:
            fields = line.rstrip('\n').split('\t')
            kind = fields[0]
            if kind == 'START':
                started = fields[1]
            elif kind == 'END':
                tid, outcome, seconds, detail = (fields + [''] * 5)[1:5]
                if tid not in outcomes:
                    order.append(tid)
                outcomes[tid] = [outcome, detail.strip(), float(seconds or 0)]
                if started == tid:
                    started = None
            elif kind == 'HANG':
                hangs.append(fields[1])
            elif kind == 'SUITE-ERROR':
                errors.append(fields[1] if len(fields) > 1 else '')
            elif kind == 'DONE':
                done = True
    return outcomes, order, started, hangs, done, errors


def kill_group(proc):
    """Ends a suite process that is still running, with its process group."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        # The child is alive and unreaped, so its pid (= its group id) is still ours.
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            pass


def kill_leftovers(token):
    """Kills what a finished suite left running (servers, subprocesses). They are found by the
    SOCKBRIDGE_SUITE_TOKEN value they inherited, never by name or by a possibly reused pid."""
    needle = ('SOCKBRIDGE_SUITE_TOKEN=%s' % token).encode()
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/environ' % pid, 'rb') as f:
                if needle not in f.read().split(b'\0'):
                    continue
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass


def run_suite(impl, suite, args, excluded):
    """Runs one suite on one implementation until it completes, resuming after hangs/crashes."""
    os.makedirs(os.path.join(OUT, impl), exist_ok=True)
    log_path = os.path.join(OUT, impl, suite + '.log')
    work = tempfile.mkdtemp(prefix='sb-%s-%s-' % (impl, suite))
    events = os.path.join(work, 'events')
    skip_path = os.path.join(work, 'skip')
    outcomes, order, hangs, crashes, errors = {}, [], [], [], []
    streak = {}  # test class -> hangs in a row
    skip = set(excluded) if impl == 'plugin' else set()
    start = time.time()
    attempts = 0
    finished = False
    # The reference runs in its own worker beside the plug-in runs, so it may take longer: on
    # OpenSSL 3, CPython 2.7.18's test_ftplib waits out a 10 s timeout in each of 34 TLS tests.
    suite_timeout = args.suite_timeout * (2 if impl == 'cpython' else 1)
    with open(log_path, 'w') as log:
        while time.time() - start < suite_timeout:
            attempts += 1
            classes = [c for c, n in streak.items() if n >= args.class_hangs]
            with open(skip_path, 'w') as f:
                f.write(''.join(t + '\n' for t in sorted(skip)))
                f.write(''.join('class: %s\n' % c for c in sorted(classes)))
            if os.path.exists(events):
                os.unlink(events)
            log.write('##### attempt %d (skipping %d tests)\n' % (attempts, len(skip)))
            log.flush()
            cmd = IMPLS[impl] + [CHILD, suite, events, '--skip', skip_path,
                                 '--test-timeout', str(args.test_timeout)]
            if args.k:
                cmd += ['--match', ','.join(args.k)]
            token = '%s-%s-%d-%d' % (impl, suite, os.getpid(), attempts)
            env = dict(os.environ, SOCKBRIDGE_EXECUTABLE=IMPLS['plugin'][0],
                       SOCKBRIDGE_SUITE_TOKEN=token)
            proc = subprocess.Popen(cmd, cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
            budget = suite_timeout - (time.time() - start)
            try:
                proc.wait(timeout=max(budget, 1) + 30)
            except subprocess.TimeoutExpired:
                kill_group(proc)
            kill_leftovers(token)
            got, got_order, started, got_hangs, done, got_errors = parse_events(events)
            for tid in got_order:
                if tid not in outcomes:
                    order.append(tid)
                outcomes[tid] = got[tid]
                skip.add(tid)
                streak[tid.rpartition('.')[0]] = 0
            errors.extend(got_errors)
            if done:
                finished = True
                break
            if got_errors and not got and started is None:
                break  # the suite could not start (import error): rerunning will not help
            hung = started or (got_hangs[-1] if got_hangs else None)
            if hung is None:
                if not got_errors:
                    errors.append('exited %s outside any test without finishing test_main'
                                  % proc.returncode)
                break
            if got_hangs or time.time() - start >= suite_timeout:
                hangs.append(hung)
                cls = hung.rpartition('.')[0]
                streak[cls] = streak.get(cls, 0) + 1
                outcomes[hung] = ['hang', 'no result after %ds' % args.test_timeout,
                                  args.test_timeout]
            else:
                crashes.append(hung)
                outcomes[hung] = ['crash', 'process exited %s during the test' % proc.returncode, 0]
            order.append(hung)
            skip.add(hung)
        else:
            errors.append('suite timeout: %ds spent, not finished' % suite_timeout)
    shutil.rmtree(work, ignore_errors=True)
    seconds = time.time() - start
    data = {'suite': suite, 'impl': impl, 'seconds': round(seconds, 1), 'attempts': attempts,
            'finished': finished, 'hangs': hangs, 'crashes': crashes, 'suite_errors': errors,
            'tests': {tid: {'outcome': outcomes[tid][0], 'detail': outcomes[tid][1],
                            'seconds': outcomes[tid][2]} for tid in order}}
    with open(os.path.join(OUT, impl, suite + '.json'), 'w') as f:
        json.dump(data, f, indent=1, sort_keys=True)
    print('  %-8s %-22s %5.0fs  %4d tests  %d attempts%s%s' % (
        impl, suite, seconds, len(outcomes), attempts,
        '  hangs: %s' % ' '.join(hangs) if hangs else '',
        '  errors: %s' % '; '.join(errors) if errors else ''), flush=True)
    return data


def load(impl, suite):
    path = os.path.join(OUT, impl, suite + '.json')
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def compare(suites, excluded, match, known):
    rows, lines = [], []
    tot = dict(ref=0, ok=0, excl=0, cpy=0, hangs=0, broken=0, extra=0, secs=0, known=0)
    fixed = []
    head = '%-22s %15s %9s %7s %6s %8s %6s %6s %6s' % (
        'suite', 'cpython ok/all', 'plug-in', '%', 'excl', 'cpy-only', 'hangs', 'extra', 'secs')
    lines.append(head)
    failing = []
    for suite in suites:
        ref, plug = load('cpython', suite), load('plugin', suite)
        if ref is None or plug is None:
            lines.append('%-22s  (not run)' % suite)
            tot['broken'] += 1
            continue
        ref_pass = [t for t, v in ref['tests'].items() if v['outcome'] in PASS
                    and (not match or any(m in t for m in match))]
        excl = [t for t in ref_pass if t in excluded]
        cpy = [t for t in ref_pass if t not in excluded and
               plug['tests'].get(t, {}).get('detail') == CPYTHON_ONLY]
        counted = [t for t in ref_pass if t not in excluded and t not in cpy]
        ok = [t for t in counted if plug['tests'].get(t, {}).get('outcome') in PASS]
        extra = [t for t, v in plug['tests'].items() if v['outcome'] in PASS and t not in ref_pass]
        for t in counted:
            if t not in ok:
                v = plug['tests'].get(t, {'outcome': 'missing', 'detail': 'not run'})
                mark = '(known) ' if t in known else ''
                failing.append('%s%s %s %s' % (mark, t, v['outcome'], v['detail']))
                tot['known'] += 1 if t in known else 0
            elif t in known:
                fixed.append(t)
        tot['ref'] += len(counted)
        tot['ok'] += len(ok)
        tot['excl'] += len(excl)
        tot['cpy'] += len(cpy)
        tot['extra'] += len(extra)
        tot['secs'] += plug['seconds']
        tot['hangs'] += len([t for t in plug['hangs'] if t not in known])
        # The reference itself did not run through: nothing trustworthy to compare to.
        tot['broken'] += 1 if (not ref['finished'] or ref['suite_errors']) else 0
        pct = 100.0 * len(ok) / len(counted) if counted else 100.0
        lines.append('%-22s %7d/%-7d %9d %6.1f%% %6d %8d %6d %6d %6.0f%s' % (
            suite, len(counted), len(ref['tests']), len(ok), pct, len(excl), len(cpy),
            len(plug['hangs']), len(extra), plug['seconds'],
            '' if plug['finished'] else '  (plug-in run did not finish: %s)'
            % '; '.join(plug['suite_errors'])[:200]))
    pct = 100.0 * tot['ok'] / tot['ref'] if tot['ref'] else 0.0
    lines.append('%-22s %7d %17d %6.1f%% %6d %8d %6d %6d %6.0f' % (
        'TOTAL', tot['ref'], tot['ok'], pct, tot['excl'], tot['cpy'], tot['hangs'], tot['extra'],
        tot['secs']))
    lines.append('cpython ok/all: tests CPython 2.7.18 passes here (less excl and cpy-only) / tests '
                 'it ran; plug-in: how many of those pass on Jython + plug-in')
    lines.append('excl: tests/cpython/excluded.txt (JVM cannot); cpy-only: CPython-passing tests the '
                 'suite itself skips elsewhere as "%s"' % CPYTHON_ONLY)
    lines.append('extra: tests passing on the plug-in that CPython 2.7.18 does not pass here '
                 '(not counted); secs: plug-in time for the suite')
    lines.append('known failures (tests/cpython/known_failures.txt, each with its reason): %d of '
                 'the failing tests above; they do not fail the build' % tot['known'])
    for t in sorted(fixed):
        lines.append('listed in known_failures.txt but passes now (remove it): %s' % t)
    failed = tot['ref'] - tot['ok'] - tot['known'] + tot['hangs'] + tot['broken']
    return lines, failing, tot['ok'], failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('suites', nargs='*')
    ap.add_argument('-j', type=int, default=2, help='plug-in suites run at once (default 2); the '
                    'CPython reference runs beside them, one suite at a time')
    ap.add_argument('--only', choices=sorted(IMPLS), help='run one implementation; the other '
                    'side of the comparison is read from its last results')
    # CPython's slowest passing test here takes 3.5 s; a few tests start child interpreters
    # (JVMs: test_ssl's test__https_verify_envvar starts six, 25 s on an idle machine and more
    # beside the other suites). A plug-in test past 90 s is hung.
    ap.add_argument('--test-timeout', type=float, default=90)
    ap.add_argument('--suite-timeout', type=float, default=360)
    ap.add_argument('--class-hangs', type=int, default=3)
    ap.add_argument('--compare', action='store_true',
                    help='run nothing: print the comparison of the stored results again')
    ap.add_argument('-k', action='append', default=[], metavar='SUBSTR',
                    help='run only tests whose id contains SUBSTR (repeatable); '
                    'the comparison then covers only those tests')
    args = ap.parse_args()
    suites = args.suites or SUITES
    unknown = [s for s in suites if s not in SUITES]
    if unknown:
        ap.error('unknown suites: %s' % ' '.join(unknown))
    excluded = load_excluded()
    impls = [args.only] if args.only else ['plugin', 'cpython']
    if args.compare:
        impls = []
    # Longest first (by the last run's times), so the slow suites do not end up last.
    jobs = {impl: sorted(suites, key=lambda s: -((load(impl, s) or {}).get('seconds', 0)))
            for impl in impls}
    results_file = os.path.join(BUILD, 'cpython-suites-results.txt')
    if os.path.exists(results_file):
        os.unlink(results_file)
    try:
        version = subprocess.run(IMPLS['cpython'] + ['-c', 'import sys; print(sys.version[:6])'],
                                 capture_output=True, text=True, timeout=60).stdout.strip()
    except OSError:
        version = ''
    if version != '2.7.18' or not os.path.isdir(CPYTHON_TEST_DIR):
        print('cpython suites: need CPython 2.7.18 (PYENV_VERSION=2.7.18 python2 gave %r) and its '
              'test directory %s (pyenv install 2.7.18)' % (version, CPYTHON_TEST_DIR))
        os.makedirs(BUILD, exist_ok=True)
        with open(results_file, 'w') as f:
            f.write('0 passed, 1 failed\n')
        return 1
    start = time.time()
    lock = threading.Lock()

    def worker(impl):
        while True:
            with lock:
                if not jobs[impl]:
                    return
                suite = jobs[impl].pop(0)
            run_suite(impl, suite, args, excluded)

    threads = [threading.Thread(target=worker, args=(impl,))
               for impl in impls for _ in range(max(args.j, 1) if impl == 'plugin' else 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - start
    all_suites = args.suites or SUITES
    known = load_excluded('known_failures.txt')
    lines, failing, passed, failed = compare(all_suites, excluded, args.k, known)
    times = []
    for impl in ('cpython', 'plugin'):
        total = sum((load(impl, s) or {}).get('seconds', 0) for s in all_suites)
        times.append('%s %.0fs' % (impl, total))
    lines.append('suite time (sum over suites): %s; wall clock %.0fs with -j %d' % (
        ', '.join(times), elapsed, args.j))
    if excluded:
        lines.append('excluded (tests/cpython/excluded.txt): %d listed' % len(excluded))
    text = '\n'.join(lines) + '\n'
    detail = text + '\nnot passing on the plug-in (CPython 2.7.18 passes them):\n' + \
        ''.join('  %s\n' % f for f in sorted(failing))
    os.makedirs(BUILD, exist_ok=True)
    with open(os.path.join(BUILD, 'cpython-suites.txt'), 'w') as f:
        f.write(detail)
    print(text, end='')
    print('details: build/cpython-suites.txt, build/cpython-suites/<impl>/<suite>.{json,log}')
    with open(results_file, 'w') as f:
        f.write('%d passed, %d failed\n' % (passed, failed))
    print('cpython suites %d passed, %d failed' % (passed, failed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
