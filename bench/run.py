#!/usr/bin/env python3
"""Runs socket_bench.py on CPython 3, on Jython with the sockbridge plug-in, and on stock
Jython (its Netty-based modules), and prints a Markdown table (also written to
build/bench-results.md). BENCH_QUICK=1 runs a tenth of the work."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUNTIMES = [
    ('CPython 3', [sys.executable]),
    ('Jython + sockbridge', [os.path.join(ROOT, 'bin', 'sockbridge-jython')]),
    ('stock Jython 2.7.3', ['jython']),
]


BENCHES = ['udp_round_trips', 'tcp_bulk', 'select_500_sockets', 'open_10000_connections',
           'memory_per_connection']
TIMEOUT = int(os.environ.get('BENCH_TIMEOUT', '180'))


def measure(cmd):
    """Each benchmark in its own process, so one that hangs costs at most TIMEOUT seconds."""
    results = {}
    for bench in BENCHES:
        try:
            p = subprocess.run(cmd + [os.path.join(HERE, 'socket_bench.py'), bench],
                               capture_output=True, text=True, timeout=TIMEOUT, cwd=HERE)
            out = p.stdout
        except subprocess.TimeoutExpired:
            out = ''
        for line in out.splitlines():
            name, sep, rest = line.partition(': ')
            if sep:
                value, unit = rest.split(' ', 1)
                results[name] = (float(value), unit)
    return results


def main():
    table = {label: measure(cmd) for label, cmd in RUNTIMES}
    names = [b for b in BENCHES if b in table['CPython 3']]
    lines = ['| benchmark | ' + ' | '.join(label for label, _ in RUNTIMES) + ' |',
             '|---|' + '---:|' * len(RUNTIMES)]
    for name in names:
        base = table['CPython 3'][name][0]
        cells = []
        for label, _ in RUNTIMES:
            got = table[label].get(name)
            if got is None:
                cells.append('did not finish in %d s' % TIMEOUT)
            elif label == 'CPython 3':
                cells.append('%.1f' % got[0] if got[1] == 'KB' else '%.0f' % got[0])
            elif got[1] == 'KB':
                # Memory: lower is better.
                cells.append('%.1f (%.1f× more)' % (got[0], got[0] / base) if base > 0 else '%.1f' % got[0])
            else:
                cells.append('%.0f (%.1f× slower)' % (got[0], base / got[0]) if got[0] else 'failed')
        lines.append('| %s (%s) | %s |' % (name, table['CPython 3'][name][1], ' | '.join(cells)))
    text = '\n'.join(lines)
    print(text)
    os.makedirs(os.path.join(ROOT, 'build'), exist_ok=True)
    with open(os.path.join(ROOT, 'build', 'bench-results.md'), 'w') as f:
        f.write(text + '\n')


if __name__ == '__main__':
    main()
