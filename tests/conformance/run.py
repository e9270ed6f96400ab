#!/usr/bin/env python3
"""Differential conformance runner: runs every c*.py script here on CPython 2.7.18 (the
reference) and on Jython with the sockbridge plug-in, compares the normalized outcome of each
case, and reports.

CPython 3 is consulted only for what Python 2.7 cannot answer: a case printed by common.case3()
(an API 2.7 lacks, such as sendmsg; CPython 2.7 prints "<3-only>" for it), a case where 2.7
raises AttributeError "'module' object has no attribute" (a module lacks the API), and the cases a script never reached on 2.7 because
it stopped early (its exit status and last error line are shown). Such cases are marked "vs
cpython3" in the report.

A difference passes only if allowed_differences.txt lists "script case" (a reviewed, genuine
impossibility on the JVM, with its reason). Jython-only checks of the standard library
(tests/jython/t*.py) run on the plug-in alone; their lines "ok: name" / "FAIL: name" count as
cases too. Writes "N passed, N failed" to build/conformance-results.txt.

The reference interpreter is found as $SOCKBRIDGE_PYTHON27, else `PYENV_VERSION=2.7.18 pyenv
which python2`, else ~/.pyenv/versions/2.7.18/bin/python2; without it the run fails at once.
"""

import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from reference_python import find_python27  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JYTHON = [os.path.join(ROOT, 'bin', 'sockbridge-jython')]
TIMEOUT = 180
THREE_ONLY = '<3-only>'
RESULTS = os.path.join(ROOT, 'build', 'conformance-results.txt')


def write_summary(passed, failed):
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, 'w') as f:
        f.write('%d passed, %d failed\n' % (passed, failed))


def run(cmd, script):
    start = time.time()
    try:
        p = subprocess.run(cmd + [script], cwd=os.path.dirname(script), capture_output=True,
                           text=True, timeout=TIMEOUT)
        out, err, code = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or '')
        err, code = 'timed out after %ds' % TIMEOUT, -1
    return out, err, code, time.time() - start


def parse(out):
    cases = {}
    order = []
    for line in out.splitlines():
        name, sep, value = line.partition(': ')
        if sep:
            cases[name] = value
            order.append(name)
    return cases, order


def load_allowed():
    allowed = {}
    with open(os.path.join(HERE, 'allowed_differences.txt')) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                key, _, reason = line.partition(' -- ')
                allowed[key.strip()] = reason.strip()
    return allowed


def last_error_line(err):
    lines = [l for l in err.strip().splitlines() if l.strip()]
    return lines[-1].strip() if lines else '(no output on stderr)'


def needs_python3(value):
    """True when CPython 2.7's outcome says 2.7 lacks the API the case exercises."""
    return value in (THREE_ONLY, '<missing>') or (
        value.startswith('raises AttributeError') and "'module' object has no attribute" in value)


def compare_script(name, py27, py3, allowed, stats):
    path = os.path.join(HERE, name)
    out2, err2, code2, t2 = run([py27], path)
    outj, errj, codej, tj = run(JYTHON, path)
    c2, order = parse(out2)
    cj, orderj = parse(outj)
    for extra in orderj:
        if extra not in c2:
            order.append(extra)
    notes = []
    if code2 != 0:
        notes.append('  note: cpython2.7 exited %d (%s); the cases it did not reach are compared with cpython3'
                     % (code2, last_error_line(err2)))
    need3 = [case for case in order if needs_python3(c2.get(case, '<missing>'))]
    c3, t3, code3, err3 = {}, 0.0, 0, ''
    if need3:
        if py3 is None:
            notes.append('  note: no python3 for the 3-only cases')
        else:
            out3, err3, code3, t3 = run([py3], path)
            c3, _ = parse(out3)
    bad = []
    vs3 = 0
    for case in order:
        key = '%s %s' % (name[:-3], case)
        ref, label = c2.get(case, '<missing>'), 'cpython2.7'
        if needs_python3(ref):
            ref, label = c3.get(case, '<missing>'), 'cpython3'
            vs3 += 1
        vj = cj.get(case, '<missing>')
        if ref == vj and ref != '<missing>':
            stats['passed'] += 1
        elif key in allowed:
            stats['passed'] += 1
            stats['allowed_used'] += 1
        else:
            stats['failed'] += 1
            bad.append('  %s%s\n    %-10s  %s\n    jython:     %s' % (
                case, ' (vs cpython3)' if label == 'cpython3' else '', label + ':', ref, vj))
    failures = [('jython', codej, errj)]
    if need3 and code3 != 0:
        failures.append(('cpython3', code3, err3))
    for who, code, err in failures:
        if code != 0:
            stats['failed'] += 1
            bad.append('  %s exited %d:\n%s' % (who, code, err[-3000:]))
    print('%-22s %3d cases (%d vs cpython3)  cpython2.7 %.1fs  jython %.1fs%s  %s' % (
        name, len(order), vs3, t2, tj, '  cpython3 %.1fs' % t3 if need3 else '',
        'ok' if not bad else '%d FAILED' % len(bad)))
    for line in notes + bad:
        print(line)


def main():
    only = sys.argv[1:]
    py27 = find_python27()
    if py27 is None:
        print('conformance: CPython 2.7.18 (the reference) not found: install it with '
              '`pyenv install 2.7.18`, or set SOCKBRIDGE_PYTHON27 to its python2')
        write_summary(0, 1)
        return 2
    py3 = shutil.which('python3') or (sys.executable if sys.version_info[0] >= 3 else None)
    allowed = load_allowed()
    stats = {'passed': 0, 'failed': 0, 'allowed_used': 0}
    scripts = sorted(f for f in os.listdir(HERE) if re.match(r'c\d\d_.*\.py$', f))
    if only:
        scripts = [s for s in scripts if any(o in s for o in only)]
    print('reference: %s (CPython 2.7.18); 3-only cases: %s' % (py27, py3))
    for name in scripts:
        compare_script(name, py27, py3, allowed, stats)
    jdir = os.path.join(ROOT, 'tests', 'jython')
    for name in sorted(f for f in os.listdir(jdir) if f.startswith('t') and f.endswith('.py')):
        if only and not any(o in name for o in only):
            continue
        out, err, code, tj = run(JYTHON, os.path.join(jdir, name))
        ok = out.count('\nok: ') + out.startswith('ok: ')
        bad = [l for l in out.splitlines() if l.startswith('FAIL: ')]
        if code != 0 or ok == 0:
            bad.append('exited %d: %s' % (code, err[-3000:]))
        stats['passed'] += ok
        stats['failed'] += len(bad)
        print('%-22s %3d checks jython %.1fs  %s' % (name, ok + len(bad), tj, 'ok' if not bad else 'FAILED'))
        for b in bad:
            print('  ' + b)
    edir = os.path.join(ROOT, 'examples')
    for name in sorted(f for f in os.listdir(edir) if f.endswith('.py')):
        if only and not any(o in name for o in only):
            continue
        out, err, code, tj = run(JYTHON, os.path.join(edir, name))
        if code == 0:
            stats['passed'] += 1
        else:
            stats['failed'] += 1
        print('%-22s example  jython %.1fs  %s' % (name, tj, 'ok' if code == 0 else 'FAILED\n' + err[-3000:]))
    print('conformance: %d scripts, %d allowed differences used (%d listed)' % (
        len(scripts), stats['allowed_used'], len(allowed)))
    write_summary(stats['passed'], stats['failed'])
    print('conformance %d passed, %d failed' % (stats['passed'], stats['failed']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
