#!/usr/bin/env python3
"""Real client libraries on the plug-in, checked the way a new user would try them.

Starts real servers on loopback (CPython 3 peers from servers.py, Debian's memcached,
PostgreSQL and Dovecot), runs every l_*.py client script on CPython 2.7.18 and on Jython with
the plug-in, and counts a case as passed only when it passes on both (a failure on CPython 2.7
is a bug in the test). Fetches nothing: tests/libs/setup.sh puts the PyPI wheels and the
python3 server packages in build/libs-deps (SOCKBRIDGE_LIBS_DEPS overrides). Every server is
stopped by its PID. Writes "N passed, N failed" to build/libs-results.txt.

Usage: run.py [name-filter ...]   (e.g. run.py requests memcached)
"""

import glob
import hashlib
import json
import os
import pwd
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from reference_python import find_python27  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, 'build')
DEPS = os.environ.get('SOCKBRIDGE_LIBS_DEPS', os.path.join(BUILD, 'libs-deps'))
CERTS = os.path.join(BUILD, 'test-certs')
RESULTS = os.path.join(BUILD, 'libs-results.txt')
SCRIPT_TIMEOUT = 120
IS_ROOT = os.geteuid() == 0
JYTHON = [os.path.join(ROOT, 'bin', 'sockbridge-jython')]


class Services:
    """The servers this run started, each stopped by its PID at the end."""

    def __init__(self, work):
        self.work = work
        self.procs = []
        self.problems = []

    def spawn(self, name, cmd, **kw):
        log = open(os.path.join(self.work, name + '.log'), 'wb')
        kw.setdefault('stdout', log)
        p = subprocess.Popen(cmd, stderr=log, **kw)
        self.procs.append((name, p))
        return p

    def stop_all(self):
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGINT if name == 'postgres' else signal.SIGTERM)
        for name, p in reversed(self.procs):
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def log_tail(self, name):
        try:
            with open(os.path.join(self.work, name + '.log'), 'rb') as f:
                return f.read()[-1500:].decode('utf-8', 'replace')
        except OSError:
            return ''


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_connect(address, proc, seconds=30):
    """Waits until address (a (host, port) or a unix path) accepts a connection."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
        s = socket.socket(family)
        try:
            s.connect(address)
            return True
        except OSError:
            time.sleep(0.1)
        finally:
            s.close()
    return False


def as_user(user):
    """Popen arguments that run a command as `user` when we are root (initdb, postgres
    refuse root), and as ourselves otherwise."""
    return {'user': user, 'group': pwd.getpwnam(user).pw_gid} if IS_ROOT else {}


def chown_tree(path, user):
    if IS_ROOT:
        pw = pwd.getpwnam(user)
        for d, dirs, files in os.walk(path):
            os.chown(d, pw.pw_uid, pw.pw_gid)
            for f in files:
                os.chown(os.path.join(d, f), pw.pw_uid, pw.pw_gid)


def start_python_servers(svc, config):
    env = dict(os.environ, PYTHONPATH=os.path.join(DEPS, 'py3'))
    p = svc.spawn('servers', [sys.executable, os.path.join(HERE, 'servers.py'), CERTS, svc.work],
                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    ready, _, _ = select.select([p.stdout], [], [], 60)
    line = p.stdout.readline() if ready else b''
    if not line:
        svc.problems.append('servers.py did not start: ' + svc.log_tail('servers'))
        return
    config.update(json.loads(line))


def start_memcached(svc, config):
    user = ['-u', 'memcache'] if IS_ROOT else []
    exe = shutil.which('memcached') or 'memcached'
    port = free_port()
    sockdir = os.path.join(svc.work, 'memcached')
    os.makedirs(sockdir)
    chown_tree(sockdir, 'memcache')
    sock = os.path.join(sockdir, 'memcached.sock')
    try:
        p = svc.spawn('memcached', [exe, '-l', '127.0.0.1', '-p', str(port), '-U', '0',
                                    '-m', '64', '-t', '2'] + user)
        q = svc.spawn('memcached-unix', [exe, '-s', sock, '-a', '0777', '-m', '16', '-t', '1']
                      + user)
    except OSError as e:
        svc.problems.append('memcached: %s (run tests/libs/setup.sh)' % e)
        return
    if not wait_connect(('127.0.0.1', port), p) or not wait_connect(sock, q):
        svc.problems.append('memcached did not start: ' + svc.log_tail('memcached'))
    config['memcached'] = port
    config['memcached_unix'] = sock


def pg_bin(name):
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/' + name))
    return found[-1] if found else (shutil.which(name) or name)


def start_postgres(svc, config):
    """A private cluster: md5 passwords (pg8000 1.12 predates SCRAM), TCP on 127.0.0.1, a
    unix socket in the work dir, TLS with the test server certificate."""
    base = os.path.join(svc.work, 'pg')
    data = os.path.join(base, 'data')
    os.makedirs(base)
    port = free_port()
    with open(os.path.join(base, 'pw'), 'w') as f:
        # initdb stores the password as given; an md5-hashed one keeps md5 auth possible.
        f.write('md5' + hashlib.md5(b's3cret' + b'sbtest').hexdigest() + '\n')
    shutil.copy(os.path.join(CERTS, 'server.pem'), os.path.join(base, 'server.pem'))
    shutil.copy(os.path.join(CERTS, 'server.key'), os.path.join(base, 'server.key'))
    os.chmod(os.path.join(base, 'server.key'), 0o600)
    chown_tree(base, 'postgres')
    try:
        r = subprocess.run([pg_bin('initdb'), '-D', data, '-U', 'sbtest', '--pwfile',
                            os.path.join(base, 'pw'), '--auth-local=md5', '--auth-host=md5',
                            '-E', 'UTF8', '--no-locale', '--no-sync'],
                           capture_output=True, text=True, timeout=120, **as_user('postgres'))
    except (OSError, KeyError) as e:
        svc.problems.append('initdb: %s (run tests/libs/setup.sh)' % e)
        return
    if r.returncode != 0:
        svc.problems.append('initdb failed: ' + r.stderr[-1500:])
        return
    with open(os.path.join(data, 'postgresql.conf'), 'a') as f:
        f.write("\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n"
                "ssl = on\nssl_cert_file = '%s/server.pem'\nssl_key_file = '%s/server.key'\n"
                "password_encryption = md5\nfsync = off\nshared_buffers = 16MB\n"
                "max_connections = 20\n" % (port, base, base, base))
    p = svc.spawn('postgres', [pg_bin('postgres'), '-D', data], **as_user('postgres'))
    if not wait_connect(('127.0.0.1', port), p):
        svc.problems.append('postgres did not start: ' + svc.log_tail('postgres'))
    config['pg_port'] = port
    config['pg_unix'] = os.path.join(base, '.s.PGSQL.%d' % port)


MESSAGES = [
    ('From: Alice <alice@example.test>\r\nTo: sbuser@example.test\r\n'
     'Subject: first message\r\nMessage-ID: <m1@example.test>\r\n\r\n'
     'Hello over POP3 and IMAP.\r\nSecond line.\r\n'),
    ('From: Bob <bob@example.test>\r\nTo: sbuser@example.test\r\n'
     'Subject: second message\r\nMessage-ID: <m2@example.test>\r\n\r\n'
     + ''.join('line %04d of a longer body\r\n' % i for i in range(400))),
]


def start_dovecot(svc, config):
    """Dovecot with its own config: POP3S and IMAPS on loopback, TLS with the test server
    certificate, one passwd-file user with a maildir holding two messages."""
    base = os.path.join(svc.work, 'dovecot')
    home = os.path.join(base, 'home', 'sbuser')
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(home, 'Maildir', sub))
    for i, msg in enumerate(MESSAGES):
        with open(os.path.join(home, 'Maildir', 'cur', '17000000%02d.M%dP1.sb:2,' % (i, i)),
                  'w', newline='') as f:
            f.write(msg.replace('\r\n', '\n'))
    mail_user = 'nobody' if IS_ROOT else pwd.getpwuid(os.getuid()).pw_name
    chown_tree(os.path.join(base, 'home'), mail_user)
    for d in ('run', 'state'):
        os.makedirs(os.path.join(base, d))
    with open(os.path.join(base, 'passwd'), 'w') as f:
        f.write('sbuser:{PLAIN}s3cret::::::\n')
    pop3s, imaps = free_port(), free_port()
    pw = pwd.getpwnam(mail_user)
    internal = ('dovecot', 'dovenull') if IS_ROOT else (mail_user, mail_user)
    conf = os.path.join(base, 'dovecot.conf')
    with open(conf, 'w') as f:
        f.write('''base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = required
ssl_cert = <{certs}/server.pem
ssl_key = <{certs}/server.key
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal[0]}
default_login_user = {internal[1]}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
'''.format(base=base, certs=CERTS, internal=internal, uid=pw.pw_uid, gid=pw.pw_gid,
           imaps=imaps, pop3s=pop3s))
    exe = shutil.which('dovecot') or '/usr/sbin/dovecot'
    try:
        p = svc.spawn('dovecot', [exe, '-F', '-c', conf])
    except OSError as e:
        svc.problems.append('dovecot: %s (run tests/libs/setup.sh)' % e)
        return
    if not wait_connect(('127.0.0.1', imaps), p) or not wait_connect(('127.0.0.1', pop3s), p):
        log = ''
        if os.path.exists(os.path.join(base, 'dovecot.log')):
            with open(os.path.join(base, 'dovecot.log')) as f:
                log = f.read()[-1500:]
        svc.problems.append('dovecot did not start: ' + svc.log_tail('dovecot') + log)
    config['pop3s'] = pop3s
    config['imaps'] = imaps
    config['messages'] = MESSAGES


def run_script(cmd, extra_env, script, config_path, tag):
    env = dict(os.environ, SOCKBRIDGE_LIBS_SITE=os.path.join(DEPS, 'site'),
               SOCKBRIDGE_LIBS_CONFIG=config_path, SOCKBRIDGE_LIBS_TAG=tag,
               PYTHONDONTWRITEBYTECODE='1', **extra_env)
    # The libraries' own defaults are under test: no CA bundle from the environment.
    for name in ('PYTHONPATH', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        env.pop(name, None)
    start = time.time()
    try:
        p = subprocess.run(cmd + [script], cwd=HERE, capture_output=True, text=True, env=env,
                           timeout=SCRIPT_TIMEOUT)
        out, err, code = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or '')
        err, code = 'timed out after %ds' % SCRIPT_TIMEOUT, -1
    except OSError as e:
        out, err, code = '', str(e), -1
    cases = {}
    order = []
    for line in out.splitlines():
        if line.startswith('ok: '):
            cases[line[4:]] = None
            order.append(line[4:])
        elif line.startswith('FAIL: '):
            name, _, detail = line[6:].partition(': ')
            cases[name] = detail
            order.append(name)
    return cases, order, code, err, time.time() - start


def main():
    # Gradle or CI stopping us: still stop every server (the finally below).
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit('libs: stopped by a signal'))
    only = sys.argv[1:]
    t0 = time.time()
    passed = failed = 0
    scripts = sorted(f for f in os.listdir(HERE) if f.startswith('l_') and f.endswith('.py'))
    if only:
        scripts = [s for s in scripts if any(o in s for o in only)]
    work = tempfile.mkdtemp(prefix='sockbridge-libs-')
    os.chmod(work, 0o755)
    svc = Services(work)
    config = {'certs': CERTS}
    python27 = find_python27()
    interpreters = [('cpython2.7', [python27 or 'python2.7.18-not-found'], {}),
                    ('jython', JYTHON, {})]
    try:
        if python27 is None:
            svc.problems.append('CPython 2.7.18 not found (set SOCKBRIDGE_PYTHON27)')
        if not os.path.isdir(os.path.join(DEPS, 'site')):
            svc.problems.append('%s/site missing: run tests/libs/setup.sh' % DEPS)
        if not os.path.exists(os.path.join(CERTS, 'ca.pem')):
            svc.problems.append('%s missing: run gradle testCerts' % CERTS)
        needs = ' '.join(scripts)
        if any(k in needs for k in ('requests', 'ftplib', 'smtplib', 'xmlrpc')):
            start_python_servers(svc, config)
        if 'memcached' in needs:
            start_memcached(svc, config)
        if 'pg8000' in needs:
            start_postgres(svc, config)
        if 'mail' in needs:
            start_dovecot(svc, config)
        for problem in svc.problems:
            print('setup problem: ' + problem)
            failed += 1
        print('servers ready in %.1fs' % (time.time() - t0))
        config_path = os.path.join(work, 'config.json')
        with open(config_path, 'w') as f:
            json.dump(config, f)
        for name in scripts:
            path = os.path.join(HERE, name)
            results = []
            for label, cmd, extra in interpreters:
                results.append((label,) + run_script(cmd, extra, path, config_path,
                                                     label.replace('.', '')))
            order = []
            for r in results:
                order.extend(c for c in r[2] if c not in order)
            bad = []
            for c in order:
                details = [(r[0], r[1].get(c, '<missing>')) for r in results]
                if all(d is None for _, d in details):
                    passed += 1
                else:
                    failed += 1
                    bad.append('  %s\n%s' % (c, '\n'.join(
                        '    %-10s %s' % (label, 'ok' if d is None else d[-2500:])
                        for label, d in details)))
            for label, cases, _, code, err, _ in results:
                if code != 0 or not cases:
                    failed += 1
                    bad.append('  %s exited %d with %d cases:\n%s' % (label, code, len(cases),
                                                                      err[-3000:]))
            print('%-16s %3d cases  %s  %s' % (
                name, len(order), '  '.join('%s %.1fs' % (r[0], r[5]) for r in results),
                'ok' if not bad else '%d FAILED' % len(bad)))
            for b in bad:
                print(b)
    finally:
        svc.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    summary = '%d passed, %d failed' % (passed, failed)
    os.makedirs(BUILD, exist_ok=True)
    with open(RESULTS, 'w') as f:
        f.write(summary + '\n')
    print('libs (%.0fs): %s' % (time.time() - t0, summary))
    return 0


if __name__ == '__main__':
    sys.exit(main())
