"""Helpers for the differential conformance scripts (run on CPython 2.7.18, the reference, and
on Jython 2.7 with sockbridge; CPython 3 only for what 2.7 lacks). Each case prints one line
"name: outcome" with values and exceptions normalized (type, errno and message), so the
interpreters' outputs can be compared line by line.
"""

import errno
import platform
import socket
import sys

PY3 = sys.version_info[0] >= 3
CPYTHON2 = not PY3 and platform.python_implementation() == 'CPython'
TEXT = str if PY3 else unicode  # noqa: F821 (Python 2 name)
INTS = (int,) if PY3 else (int, long)  # noqa: F821


def fmt(v):
    """A normalized text form of a result."""
    if v is None or isinstance(v, bool):
        return repr(v)
    if isinstance(v, INTS):
        return str(int(v))
    if isinstance(v, float):
        return '%.3f' % v
    if isinstance(v, (bytes, bytearray)):
        raw = bytes(v)
        text = raw.decode('latin-1') if PY3 else raw
        return '"%s"' % (text.encode('unicode_escape').decode('ascii') if PY3 else text.encode('string_escape'))
    if isinstance(v, TEXT):
        return '"%s"' % v.encode('unicode_escape').decode('ascii')
    if isinstance(v, tuple):
        return '(' + ', '.join(fmt(x) for x in v) + ')'
    if isinstance(v, list):
        return '[' + ', '.join(fmt(x) for x in v) + ']'
    return '<%s>' % type(v).__name__


def exc(e):
    """A normalized form of an exception: its kind and, for OS errors, errno and strerror."""
    if isinstance(e, socket.timeout):
        return 'timeout %s' % fmt(e.args)
    if isinstance(e, socket.gaierror):
        return 'gaierror %d' % e.args[0]
    if isinstance(e, socket.herror):
        return 'herror %d' % e.args[0]
    args = getattr(e, 'args', ())
    if isinstance(e, EnvironmentError) or type(e).__name__ == 'error':
        if len(args) == 2 and isinstance(args[0], INTS):
            return 'error %d %s' % (args[0], args[1])
        return 'error %s' % fmt(args)
    return '%s(%s)' % (type(e).__name__, str(e))


def case(name, fn):
    """Runs fn and prints its normalized outcome."""
    try:
        out = fmt(fn())
    except Exception as e:  # noqa: BLE001 (the exception is the outcome)
        out = 'raises ' + exc(e)
    sys.stdout.write('%s: %s\n' % (name, out))
    sys.stdout.flush()


def case3(name, fn):
    """A case for an API CPython 2.7 lacks (sockbridge offers Python 3's, e.g. sendmsg): on
    CPython 2.7 it prints "<3-only>" and the runner compares Jython with CPython 3 instead."""
    if CPYTHON2:
        sys.stdout.write('%s: <3-only>\n' % name)
        sys.stdout.flush()
        return
    case(name, fn)


def expect(name, fn):
    """Like case(), for outcomes where only success/failure kind matters (prints 'ok')."""
    try:
        fn()
        out = 'ok'
    except Exception as e:  # noqa: BLE001
        out = 'raises ' + exc(e)
    sys.stdout.write('%s: %s\n' % (name, out))
    sys.stdout.flush()


def listener(family=socket.AF_INET, host='127.0.0.1'):
    """A listening TCP socket on loopback."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, 0))
    s.listen(8)
    return s


def tcp_pair(family=socket.AF_INET, host='127.0.0.1'):
    """(client, server-side) connected over loopback."""
    l = listener(family, host)
    c = socket.socket(family, socket.SOCK_STREAM)
    c.connect(l.getsockname())
    a, _ = l.accept()
    l.close()
    return c, a


def dead_port():
    """A loopback port with nothing listening."""
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def is_str(x):
    """True for the native string type (str in both 2 and 3)."""
    return isinstance(x, str)


E = errno
