#!/usr/bin/env python3
"""Runs bench/tls_bench.py on CPython 3, CPython 2.7.18 and Jython + sockbridge in the same run,
alternating runtimes for each repetition, and prints the median and range of each figure.

    python3 bench/tls_compare.py [repetitions] [handshake seconds] [bulk MiB]

Needs the jar (gradle -q --offline jar) and the test certificates (gradle -q --offline
testCerts). TLS_BENCH_WARMUP (seconds, default 5) is passed through. With
TLS_BASELINE_LIBRARY=/path/to/libsockbridge.so, the plug-in also runs on that library
(before/after comparisons in one run).
"""
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests'))
from reference_python import find_python27  # noqa: E402


def runtimes():
    """(label, command, extra environment)."""
    out = [('CPython 3', [sys.executable], {})]
    py27 = find_python27()
    if py27:
        out.append(('CPython 2.7.18', [py27], {}))
    jython = [os.path.join(ROOT, 'bin', 'sockbridge-jython')]
    out.append(('Jython + sockbridge', jython, {}))
    baseline = os.environ.get('TLS_BASELINE_LIBRARY')
    if baseline:
        out.append(('Jython + sockbridge (baseline library)', jython,
                    {'SOCKBRIDGE_JAVA_OPTS': '-Dsockbridge.library=' + baseline}))
    return out


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    seconds = sys.argv[2] if len(sys.argv) > 2 else '5'
    megabytes = sys.argv[3] if len(sys.argv) > 3 else '256'
    results = {}
    for rep in range(reps):
        for label, cmd, env in runtimes():
            p = subprocess.run(cmd + [os.path.join(HERE, 'tls_bench.py'), 'all', seconds, megabytes],
                               capture_output=True, text=True, timeout=600,
                               env=dict(os.environ, **env))
            for line in p.stdout.splitlines():
                name, sep, rest = line.partition(': ')
                if sep and name != 'tls_version':
                    results.setdefault((label, name), []).append(float(rest.split()[0]))
            if p.returncode != 0:
                print('%s failed: %s' % (label, p.stderr[-2000:]))
    print('| case | runtime | median | range |')
    print('|---|---|---:|---|')
    for name, unit in (('tls_handshakes', 'handshakes/s'), ('tls_bulk', 'MB/s')):
        for label, _, _ in runtimes():
            v = results.get((label, name), [])
            if v:
                print('| %s | %s | %.1f | %.1f-%.1f (%d runs) |' % (
                    unit, label, statistics.median(v), min(v), max(v), len(v)))


if __name__ == '__main__':
    main()
