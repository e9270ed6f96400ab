#!/usr/bin/env python3
"""Differential conformance runner: runs every c*.py script here on CPython 3 and on Jython
with the sockbridge plug-in, compares the normalized outcome of each case, and reports.

A difference passes only if allowed_differences.txt lists "script case" (a reviewed, genuine
Python 2 / 3 difference, with its reason). Jython-only checks of the standard library
(tests/jython/t*.py) run on the plug-in alone; their lines "ok: name" / "FAIL: name" count as
cases too. Writes "N passed, N failed" to build/conformance-results.txt.
"""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JYTHON = [os.path.join(ROOT, 'bin', 'sockbridge-jython')]
TIMEOUT = 180


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


def main():
    only = sys.argv[1:]
    allowed = load_allowed()
    passed = failed = allowed_used = 0
    scripts = sorted(f for f in os.listdir(HERE) if re.match(r'c\d\d_.*\.py$', f))
    if only:
        scripts = [s for s in scripts if any(o in s for o in only)]
    for name in scripts:
        path = os.path.join(HERE, name)
        out3, err3, code3, t3 = run([sys.executable], path)
        outj, errj, codej, tj = run(JYTHON, path)
        c3, order = parse(out3)
        cj, orderj = parse(outj)
        for extra in orderj:
            if extra not in c3:
                order.append(extra)
        bad = []
        for case in order:
            key = '%s %s' % (name[:-3], case)
            v3, vj = c3.get(case, '<missing>'), cj.get(case, '<missing>')
            if v3 == vj:
                passed += 1
            elif key in allowed:
                passed += 1
                allowed_used += 1
            else:
                failed += 1
                bad.append('  %s\n    cpython3: %s\n    jython:   %s' % (case, v3, vj))
        for label, code, err in (('cpython3', code3, err3), ('jython', codej, errj)):
            if code != 0:
                failed += 1
                bad.append('  %s exited %d:\n%s' % (label, code, err[-3000:]))
        print('%-22s %3d cases  cpython3 %.1fs  jython %.1fs  %s' % (
            name, len(order), t3, tj, 'ok' if not bad else '%d FAILED' % len(bad)))
        for b in bad:
            print(b)
    jdir = os.path.join(ROOT, 'tests', 'jython')
    for name in sorted(f for f in os.listdir(jdir) if f.startswith('t') and f.endswith('.py')):
        if only and not any(o in name for o in only):
            continue
        out, err, code, tj = run(JYTHON, os.path.join(jdir, name))
        ok = out.count('\nok: ') + out.startswith('ok: ')
        bad = [l for l in out.splitlines() if l.startswith('FAIL: ')]
        if code != 0 or ok == 0:
            bad.append('exited %d: %s' % (code, err[-3000:]))
        passed += ok
        failed += len(bad)
        print('%-22s %3d checks jython %.1fs  %s' % (name, ok + len(bad), tj, 'ok' if not bad else 'FAILED'))
        for b in bad:
            print('  ' + b)
    edir = os.path.join(ROOT, 'examples')
    for name in sorted(f for f in os.listdir(edir) if f.endswith('.py')):
        if only and not any(o in name for o in only):
            continue
        out, err, code, tj = run(JYTHON, os.path.join(edir, name))
        if code == 0:
            passed += 1
        else:
            failed += 1
        print('%-22s example  jython %.1fs  %s' % (name, tj, 'ok' if code == 0 else 'FAILED\n' + err[-3000:]))
    print('conformance: %d scripts, %d allowed differences used (%d listed)' % (
        len(scripts), allowed_used, len(allowed)))
    summary = '%d passed, %d failed' % (passed, failed)
    os.makedirs(os.path.join(ROOT, 'build'), exist_ok=True)
    with open(os.path.join(ROOT, 'build', 'conformance-results.txt'), 'w') as f:
        f.write(summary + '\n')
    print('conformance ' + summary)
    return 0


if __name__ == '__main__':
    sys.exit(main())
