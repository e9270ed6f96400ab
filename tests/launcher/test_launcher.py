#!/usr/bin/env python3
"""Launcher tests: bin/sockbridge-jython must behave exactly like Debian's /usr/bin/jython, plus
the plug-in.

Every case runs the same command line (arguments, environment, working directory, standard input)
under stock /usr/bin/jython and under the launcher, and compares exit status, standard output and
standard error. Lines "plugin: ..." printed by the probe are compared separately: the launcher must
print "plugin: True int True" (socket comes from the sockbridge jar, fileno() is an int, and the
plug-in's sys.path entry sits right after the script's directory / '', before every user entry),
stock Jython "plugin: False ...". A few launcher-only cases (-J, sys.executable in a child) check
the launcher alone. Signal cases send a real signal (kill) to a program blocked in accept, recv,
sendall, select, poll or epoll, and compare with CPython 2.7.18 (PYENV_VERSION=2.7.18 python2):
the finally block runs, KeyboardInterrupt or the handler's exception comes from the blocked call
(same frame in the program, same last line), a handler that returns makes the call fail with
EINTR or carry on exactly as in 2.7, same exit status.
Writes "N passed, N failed" to build/launcher-results.txt.

Usage: python3 tests/launcher/test_launcher.py [case-name-substring ...]
"""

import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LAUNCHER = os.path.join(ROOT, 'bin', 'sockbridge-jython')
STOCK = '/usr/bin/jython'
TIMEOUT = 120
WORKERS = 2

PROBE = ("import socket as _s, sys as _y; print 'plugin:', 'sockbridge/jython/socket' in _s.__file__, "
         "type(_s.socket().fileno()).__name__, "
         "[_i for _i, _p in enumerate(_y.path) if _p == '__pyclasspath__/sockbridge/jython'][:1] == [1]")
PLUGIN_ON = 'plugin: True int True'

# os functions that need Debian's libjffi (found on the JVM's default java.library.path).
OS_NAMES = ('getpid', 'getppid', 'getuid', 'geteuid', 'getgid', 'kill', 'umask', 'isatty',
            'waitpid', 'getlogin', 'setsid', 'getpgrp')
OS_PROGRAM = (
    "import os, sys, getpass, java.lang.System as S\n"
    "print 'pid:', os.getpid()\n"
    "print 'ppid:', os.getppid()\n"
    "print 'ids:', os.getuid(), os.geteuid(), os.getgid()\n"
    "print 'user:', getpass.getuser()\n"
    "print 'names:', [n for n in %r if hasattr(os, n)]\n"
    "old = os.umask(022); print 'umask:', os.umask(old) == 022\n"
    "print 'isatty:', os.isatty(0)\n"
    "print 'library path:', S.getProperty('java.library.path')\n"
    "%s\n" % (OS_NAMES, PROBE))


class Case(object):
    """One command line, run under both interpreters (or the launcher alone)."""

    def __init__(self, name, args, env=None, stdin=None, cwd=None, launcher_only=None):
        self.name = name
        self.args = args
        self.env = env or {}
        self.stdin = stdin
        self.cwd = cwd
        # launcher_only: a function(rc, out, err) -> error text or None; no stock comparison.
        self.launcher_only = launcher_only


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)


def make_cases(tmp):
    jp = os.path.join(tmp, 'jp')
    pp = os.path.join(tmp, 'pp')
    work = os.path.join(tmp, 'work')
    for d in (jp, pp, work):
        os.makedirs(d)
    write(os.path.join(jp, 'jpmod.py'), "X = 'from JYTHONPATH'\n")
    write(os.path.join(pp, 'ppmod.py'), "X = 'from python.path'\n")
    write(os.path.join(work, 'runme.py'),
          "import sys\nprint 'name:', __name__\nprint 'argv:', sys.argv\nprint 'path0:', sys.path[0]\n"
          "print 'file:', __file__\n" + PROBE + "\n")
    write(os.path.join(work, 'script.py'),
          "import sys\nprint 'argv:', sys.argv\nprint 'path0:', sys.path[0] == %r\n"
          "print 'file:', __file__\n%s\n" % (work, PROBE))
    write(os.path.join(work, 'exit3.py'), PROBE + "\nimport sys\ntry:\n    sys.exit(3)\n"
          "finally:\n    print 'finally ran'\n")
    write(os.path.join(work, 'raises.py'), PROBE + "\ndef f():\n    raise ValueError('boom')\nf()\n")
    write(os.path.join(work, 'exitmsg.py'), PROBE + "\nimport sys\nsys.exit('bye')\n")
    write(os.path.join(work, 'child.py'),
          "import subprocess, sys\n"
          "print 'executable:', sys.executable\n"
          "out = subprocess.check_output([sys.executable, '-c', %r])\n"
          "print 'child', out.strip()\n" % PROBE)
    write(os.path.join(work, 'maxmem.py'),
          "import java.lang.Runtime as R\nprint 'max MiB:', R.getRuntime().maxMemory() >> 20\n" + PROBE + "\n")
    show_path = "import sys; print [p for p in sys.path if p != '__pyclasspath__/sockbridge/jython']; "
    cases = [
        Case('JYTHONPATH', ['-c', show_path + "import jpmod; print jpmod.X\ntry: import ppmod\n"
                            "except ImportError as e: print e\n" + PROBE],
             env={'JYTHONPATH': jp}, cwd='/'),
        Case('-Dpython.path (after another -D option)',
             ['-Dpython.console=org.python.core.PlainConsole', '-Dpython.path=' + jp + os.pathsep + pp,
              '-c', show_path + "import ppmod, jpmod; print ppmod.X, jpmod.X; " + PROBE], cwd='/'),
        Case('-Dpython.path with JYTHONPATH set (the property wins)',
             ['-Dpython.path=' + pp, '-c', show_path + PROBE], env={'JYTHONPATH': jp}, cwd='/'),
        Case('-E ignores JYTHONPATH', ['-E', '-c', show_path + PROBE], env={'JYTHONPATH': jp}, cwd='/'),
        Case('os functions (libjffi on the default library path)', ['-c', OS_PROGRAM], cwd=work),
        Case('-m module with arguments', ['-m', 'runme', 'a', '-b'], cwd=work),
        Case('-m missing module', ['-m', 'nosuchmodule'], cwd=work),
        Case('-c with arguments, program reads stdin',
             ['-c', 'import sys; print sys.argv; print repr(sys.stdin.read()); ' + PROBE, 'x', '-y'],
             stdin='line one\nline two\n', cwd=work),
        Case('script with arguments (sys.path[0] is its directory)',
             [os.path.join(work, 'script.py'), '1', '--two'], cwd='/'),
        Case('script from stdin with -', ['-', 'a', 'b'], stdin="import sys\nprint sys.argv\n" + PROBE + "\n",
             cwd=work),
        Case('script from plain stdin (no prompts for a pipe)', [],
             stdin="import sys\nprint 'argv', sys.argv\nx = 6 * 7\nx\nprint x\n" + PROBE + "\n", cwd=work),
        Case('-i with a pipe', ['-i', '-c', 'y = 5'], stdin="print y * 2\n" + PROBE + "\n", cwd=work),
        Case('sys.exit(3) runs finally, status 3', ['exit3.py'], cwd=work),
        Case('uncaught exception in a script: traceback, status 1', ['raises.py'], cwd=work),
        Case('uncaught exception in -c', ['-c', PROBE + '; raise KeyError("k")'], cwd=work),
        Case('uncaught exception from stdin', [], stdin=PROBE + "\nraise KeyError('s')\n", cwd=work),
        Case("sys.exit('bye'): message on stderr, status 1", ['exitmsg.py'], cwd=work),
        Case('missing script file', ['nosuch.py'], cwd=work),
        Case('flags and options with separate arguments (-S -u -Q new -W ...)',
             ['-S', '-u', '-Q', 'new', '-W', 'error::DeprecationWarning', '-c',
              "import sys, warnings; print 'site' in sys.modules, 1/2, warnings.filters[0][:1]; " + PROBE],
             cwd=work),
        Case('-- before a script', ['--', 'script.py', 'a'], cwd=work),
        Case('--version', ['--version'], cwd=work),
        Case('bad option', ['-Z'], cwd=work),
        Case('launcher: sys.executable runs the launcher, child has the plug-in', ['child.py'], cwd=work,
             launcher_only=check_child),
        Case('launcher: -J options go to the JVM', ['-J-Xmx77m', '-J-Xss4m', 'maxmem.py'], cwd=work,
             launcher_only=check_maxmem),
    ]
    return cases


# Signals during a blocking call, compared with CPython 2.7.18: the program prints "ready",
# blocks, and this test sends it a real signal with kill(2).
SIGNAL_PROGRAM = r"""
import os, select, signal, socket, sys
op = sys.argv[1]
%(probe)s
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(5)
c = socket.create_connection(srv.getsockname())
a, _ = srv.accept()
if sys.argv[2] == 'raise':
    def handler(signum, frame):
        print 'handler', signum
        raise ZeroDivisionError('from the handler')
    signal.signal(signal.SIGALRM, handler)
elif sys.argv[2] == 'return':
    def handler(signum, frame):
        print 'handler', signum
    signal.signal(signal.SIGALRM, handler)
big = 'x' * (32 * 1024 * 1024)
p = select.poll()
p.register(c, select.POLLIN)
ep = select.epoll()
ep.register(c.fileno(), select.EPOLLIN)
if op == 'readline':
    # The data comes after the signal: the file object retries after EINTR. All set up before
    # 'ready' (an import under load can take longer than the test waits before signalling), and
    # the data comes late enough that a signal delivered slowly still finds readline blocked.
    import threading, time
    threading.Thread(target=lambda: (time.sleep(6), a.sendall('late line\n'))).start()
    f = c.makefile('rb')
sys.stdout.write('ready\n')
sys.stdout.flush()
try:
    try:
        if op == 'accept':
            srv.accept()
        elif op == 'recv':
            c.recv(10)
        elif op == 'recv-timeout':
            c.settimeout(60)
            c.recv(10)
        elif op == 'sendall':
            c.sendall(big)
        elif op == 'select':
            select.select([c], [], [], 60)
        elif op == 'poll':
            p.poll()
        elif op == 'epoll':
            ep.poll(60)
        elif op == 'readline':
            print 'line', repr(f.readline())
    except (socket.error, select.error, IOError) as e:
        print 'caught', type(e).__name__, e.args
finally:
    print 'finally ran'
"""


class SignalCase(object):
    """A blocked program gets a real signal; CPython 2.7.18 is the reference."""

    def __init__(self, op, handler, signum):
        self.name = 'signal %s during %s (%s handler)' % (
            {2: 'SIGINT', 14: 'SIGALRM'}[signum], op, handler)
        self.op, self.handler, self.signum = op, handler, signum


def run_signal(cmd, case, path):
    env = dict(os.environ)
    env['JAVA_TOOL_OPTIONS'] = '-XX:TieredStopAtLevel=1'
    env['PYENV_VERSION'] = '2.7.18'
    p = subprocess.Popen(cmd + [path, case.op, case.handler], cwd=os.path.dirname(path), env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # stdout is read through one buffered file only: mixing readline() with communicate() loses
    # what readline() had buffered past 'ready' (communicate reads the raw pipe).
    err_box = []
    reader = threading.Thread(target=lambda: err_box.append(p.stderr.read()))
    reader.start()
    fired = []
    watchdog = threading.Timer(TIMEOUT, lambda: (fired.append(True), p.kill()))
    watchdog.start()
    lines = []
    try:
        while True:
            line = p.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line == 'ready\n':
                # Let it block in the call (the launcher also takes a signal that arrives just
                # before the call, but the test is about a blocked one).
                time.sleep(1.0)
                os.kill(p.pid, case.signum)
                break
        lines.append(p.stdout.read())
        p.wait()
        reader.join()
    finally:
        watchdog.cancel()
    err = (err_box[0] if err_box else '') + ('<timed out>' if fired else '')
    return p.returncode, ''.join(lines), err


def traceback_summary(err):
    """The program's own frame and the exception line: the frames inside socket.py differ."""
    lines = [l for l in err.splitlines() if not l.startswith('Picked up JAVA_TOOL_OPTIONS')]
    own = [l.strip() for l in lines if l.strip().startswith('File "') and 'blocked.py' in l]
    return own[:1], lines[-1:] if lines else []


def judge_signal(case, path):
    rc_c, out_c, err_c = run_signal(['python2'], case, path)
    rc_l, out_l, err_l = run_signal([LAUNCHER], case, path)
    plug_c, rest_c = split_plugin(out_c)
    plug_l, rest_l = split_plugin(out_l)
    problems = []
    if rc_c != rc_l:
        problems.append('exit status: cpython %r, launcher %r' % (rc_c, rc_l))
    if rest_c != rest_l:
        problems.append('stdout differs:\n    cpython:  %r\n    launcher: %r' % (rest_c, rest_l))
    if traceback_summary(err_c) != traceback_summary(err_l):
        problems.append('traceback differs:\n    cpython:  %r\n    launcher: %r' % (err_c[-800:], err_l[-800:]))
    if plug_l != [PLUGIN_ON]:
        problems.append('plug-in not active under the launcher: %r' % plug_l)
    if 'finally ran' not in rest_c:
        problems.append('reference run did not get the signal: %r %r' % (out_c, err_c))
    return '\n  '.join(problems) or None


def signal_cases():
    cases = [SignalCase(op, 'default', signal.SIGINT)
             for op in ('accept', 'recv', 'recv-timeout', 'sendall', 'select', 'poll', 'epoll')]
    cases += [SignalCase('recv', 'raise', signal.SIGALRM), SignalCase('sendall', 'raise', signal.SIGALRM),
              SignalCase('accept', 'return', signal.SIGALRM), SignalCase('select', 'return', signal.SIGALRM),
              SignalCase('epoll', 'return', signal.SIGALRM), SignalCase('readline', 'return', signal.SIGALRM),
              SignalCase('readline', 'default', signal.SIGINT)]
    return cases


def check_child(rc, out, err):
    want_exe = 'executable: <jython>'  # normalize() put that for the launcher's own path
    if rc != 0:
        return 'exit %d: %s' % (rc, err[-2000:])
    if want_exe not in out.splitlines():
        return 'expected %r in %r' % (want_exe, out)
    if 'child ' + PLUGIN_ON not in out.splitlines():
        return 'child interpreter lacks the plug-in: %r' % out
    return None


def check_maxmem(rc, out, err):
    if rc != 0:
        return 'exit %d: %s' % (rc, err[-2000:])
    m = re.search(r'^max MiB: (\d+)$', out, re.M)
    if not m or not 60 <= int(m.group(1)) <= 80:
        return 'JVM max memory not set by -J-Xmx77m: %r' % out
    if PLUGIN_ON not in out.splitlines():
        return 'plug-in not active: %r' % out
    return None


def run(cmd, case):
    env = dict(os.environ)
    for k in ('JYTHONPATH', 'JAVA_OPTS', 'SOCKBRIDGE_JAVA_OPTS', 'JYTHON_OPTS'):
        env.pop(k, None)
    env.update(case.env)
    # C1 only: halves each JVM's start-up CPU; the same for both interpreters (the JVM's
    # "Picked up JAVA_TOOL_OPTIONS" line on stderr is identical too).
    env['JAVA_TOOL_OPTIONS'] = '-XX:TieredStopAtLevel=1'
    p = subprocess.Popen(cmd + case.args, cwd=case.cwd, env=env, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = p.communicate(case.stdin or '', timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        err += '\n<timed out after %ds>' % TIMEOUT
    return p.pid, p.returncode, normalize(out, p.pid), normalize(err, p.pid)


def normalize(text, pid):
    """Per-process facts become checks: the JVM's pid is the launched process's (exec), its
    parent is this test; the interpreter's own path becomes <jython>."""
    text = text.replace(os.path.realpath(LAUNCHER), '<jython>').replace(LAUNCHER, '<jython>')
    text = text.replace('/usr/share/jython/bin/jython', '<jython>').replace(STOCK, '<jython>')
    text = re.sub(r'^pid: (\d+)$', lambda m: 'pid: ' + ('ok' if int(m.group(1)) == pid else m.group(1)),
                  text, flags=re.M)
    text = re.sub(r'^ppid: (\d+)$',
                  lambda m: 'ppid: ' + ('ok' if int(m.group(1)) == os.getpid() else m.group(1)),
                  text, flags=re.M)
    return text


def split_plugin(out):
    plugin = [l for l in out.splitlines() if 'plugin:' in l]
    rest = '\n'.join(l for l in out.splitlines() if 'plugin:' not in l)
    return plugin, rest


def judge(case):
    if case.launcher_only:
        _, rc, out, err = run([LAUNCHER], case)
        return case.launcher_only(rc, out, err)
    _, rc_s, out_s, err_s = run([STOCK], case)
    _, rc_l, out_l, err_l = run([LAUNCHER], case)
    plug_s, rest_s = split_plugin(out_s)
    plug_l, rest_l = split_plugin(out_l)
    problems = []
    if rc_s != rc_l:
        problems.append('exit status: stock %r, launcher %r' % (rc_s, rc_l))
    if rest_s != rest_l:
        problems.append('stdout differs:\n    stock:    %r\n    launcher: %r' % (rest_s, rest_l))
    if err_s != err_l:
        problems.append('stderr differs:\n    stock:    %r\n    launcher: %r' % (err_s[-1500:], err_l[-1500:]))
    if len(plug_l) != len(plug_s):
        problems.append('probe lines: stock %r, launcher %r' % (plug_s, plug_l))
    for line in plug_l:
        if not line.endswith(PLUGIN_ON):
            problems.append('plug-in not active under the launcher: %r' % line)
    for line in plug_s:
        if 'plugin: False' not in line:
            problems.append('probe cannot tell stock from plug-in: %r' % line)
    return '\n  '.join(problems) or None


def main():
    only = sys.argv[1:]
    for exe in (STOCK, LAUNCHER):
        if not os.access(exe, os.X_OK):
            print('missing %s' % exe)
            return 2
    tmp = tempfile.mkdtemp(prefix='sockbridge-launcher-')
    try:
        cases = [c for c in make_cases(tmp) if not only or any(o in c.name for o in only)]
        blocked = os.path.join(tmp, 'work', 'blocked.py')
        write(blocked, SIGNAL_PROGRAM % {'probe': PROBE})
        sig_cases = [c for c in signal_cases() if not only or any(o in c.name for o in only)]
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(judge, cases))
            results += list(pool.map(lambda c: judge_signal(c, blocked), sig_cases))
        cases += sig_cases
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    passed = failed = 0
    for case, problem in zip(cases, results):
        if problem:
            failed += 1
            print('FAIL %s\n  %s' % (case.name, problem))
        else:
            passed += 1
            print('ok   %s' % case.name)
    summary = '%d passed, %d failed' % (passed, failed)
    os.makedirs(os.path.join(ROOT, 'build'), exist_ok=True)
    with open(os.path.join(ROOT, 'build', 'launcher-results.txt'), 'w') as f:
        f.write(summary + '\n')
    print('launcher ' + summary)
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
