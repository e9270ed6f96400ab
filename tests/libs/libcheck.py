"""Shared by the client scripts (Python 2.7: CPython 2.7.18 and Jython with the plug-in).

Puts the unpacked PyPI wheels (SOCKBRIDGE_LIBS_SITE) first on sys.path, loads the servers'
ports and paths (SOCKBRIDGE_LIBS_CONFIG, JSON written by run.py), and reports each case as
"ok: name" or "FAIL: name: detail" on standard output."""
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.environ['SOCKBRIDGE_LIBS_SITE'])
with open(os.environ['SOCKBRIDGE_LIBS_CONFIG']) as _f:
    CONFIG = json.load(_f)
CERTS = CONFIG['certs']
CA = os.path.join(CERTS, 'ca.pem')
# Keys and names that must not collide between the two interpreters' runs.
TAG = os.environ.get('SOCKBRIDGE_LIBS_TAG', 'run')


def case(name):
    """Decorator: runs the function at once as case `name`; an exception fails it."""
    def run(fn):
        start = time.time()
        try:
            fn()
        except Exception:
            detail = traceback.format_exc().strip().replace('\n', ' | ')
            sys.stdout.write('FAIL: %s: %s\n' % (name, detail))
        else:
            sys.stdout.write('ok: %s\n' % name)
        sys.stdout.flush()
        sys.stderr.write('%s: %.2fs\n' % (name, time.time() - start))
        return fn
    return run


def eq(expected, actual, what=''):
    """Raises AssertionError unless expected == actual."""
    if expected != actual:
        raise AssertionError('%sexpected %r, got %r' % (what and what + ': ', expected, actual))


def raises(exc_type, fn, *args, **kwargs):
    """Calls fn; returns the exception it raised, which must be an exc_type."""
    try:
        fn(*args, **kwargs)
    except exc_type as e:
        return e
    except Exception as e:
        raise AssertionError('expected %s, got %s: %r' % (exc_type.__name__, type(e).__name__, e))
    raise AssertionError('expected %s, nothing raised' % exc_type.__name__)


@case('interpreter_is_2.7.18_or_the_plugin')
def _interpreter():
    """Each script first checks what it runs on: CPython 2.7.18, or Jython with the plug-in's
    socket, _socket, select and ssl (not Jython's own)."""
    import platform
    import select
    import socket
    import ssl
    import _socket
    if platform.python_implementation() == 'CPython':
        eq((2, 7, 18), tuple(sys.version_info[:3]))
    else:
        for m in (socket, _socket, select, ssl):
            if 'sockbridge/jython' not in m.__file__:
                raise AssertionError('%s comes from %s' % (m.__name__, m.__file__))
