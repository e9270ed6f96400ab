"""signal for Jython with the sockbridge plug-in: Jython's own module (its source runs here,
unchanged), with one difference: a Python handler for a signal that arrives while the main
thread is blocked in a socket call runs on the main thread and interrupts that call, as on
CPython (see _sockbridge_signal). At other times handlers run where Jython runs them (the JVM's
signal thread). getsignal(SIGINT) is default_int_handler while the plug-in's SIGINT handler is
in place, as on CPython.
"""

import java.lang.Class as _Class
import java.lang.String as _String


def _jython_source():
    loader = _Class.forName('org.python.core.Py').getClassLoader()
    stream = loader.getResourceAsStream('Lib/signal.py')
    if stream is None:
        raise ImportError("cannot find Jython's Lib/signal.py in its jar")
    try:
        return str(_String(stream.readAllBytes(), 'ISO-8859-1'))
    finally:
        stream.close()


exec compile(_jython_source(), 'signal.py', 'exec')

import _sockbridge_signal
from org.sockbridge.jython import Signals as _Signals


class JythonSignalHandler(sun.misc.SignalHandler):
    """A Python handler as a JVM signal handler: run on the main thread when it is blocked in an
    interruptible socket call, else here on the JVM's signal thread (as Jython does)."""

    def __init__(self, action):
        self.action = action

    def handle(self, signal):
        signum = signal.getNumber()
        if not _sockbridge_signal.deliver(signum, self.action):
            self.action(signum, None)


def _python_view(handler):
    if _Signals.isDefaultInterruptHandler(handler):
        return default_int_handler
    return handler


_jython_signal = signal
_jython_getsignal = getsignal


def signal(sig, action):
    """signal(sig, action) -> action

    Set the action for the given signal: SIG_DFL, SIG_IGN, or a callable Python object (called
    with the signal number and a frame). The previous action is returned."""
    return _python_view(_jython_signal(sig, action))


def getsignal(sig):
    """getsignal(sig) -> action: SIG_IGN, SIG_DFL, None or the Python handler."""
    return _python_view(_jython_getsignal(sig))


# Jython's module registered its SIGALRM handler with its own handler class; again with ours.
try:
    signal(SIGALRM, _alarm_handler)
except NameError:
    pass
