"""Tiny reporting helpers for the Jython-only standard-library checks: each check prints
"ok: name" or "FAIL: name: detail"; the conformance runner counts them."""
import sys
import traceback


def check(name, fn):
    """Runs fn(); a true result (or None) is ok, False or an exception is a failure."""
    try:
        result = fn()
    except Exception:
        sys.stdout.write('FAIL: %s: %s\n' % (name, traceback.format_exc().replace('\n', ' | ')))
    else:
        if result is False:
            sys.stdout.write('FAIL: %s: returned False\n' % name)
        else:
            sys.stdout.write('ok: %s\n' % name)
    sys.stdout.flush()


def equal(name, expected, actual):
    """Checks expected == actual."""
    def compare():
        if expected != actual:
            raise AssertionError('expected %r, got %r' % (expected, actual))
    check(name, compare)
