"""Signals that interrupt blocking socket calls, run the CPython way (sockbridge plug-in).

A JVM takes every signal on its own thread. Under bin/sockbridge-jython the main thread's
blocking waits (accept, recv, send, connect, select, poll, epoll, ...) are interruptible
(org.sockbridge.Interrupts): a signal is handed to the main thread, its blocked call (or its
next one, within a grace period) ends with EINTR, and run_pending() runs the Python handler
there, before the call returns. So SIGINT raises KeyboardInterrupt from the blocked call, a handler's exception
propagates from it, and when the handler returns the call fails with EINTR or carries on, as
each call does on CPython 2.7.
"""

import sys as _sys

from org.sockbridge import Interrupts as _Interrupts
from org.sockbridge.jython import PyBridge as _bridge
from org.sockbridge.jython import Signals as _Signals

_SIGINT = 2
# Signal number -> the Python handler to run on the interrupted thread.
_actions = {}


def deliver(signum, action):
    """On the JVM's signal thread: hands the signal and its Python handler to the main thread,
    which runs it in its current or next blocking socket call; False (the caller runs it) if
    that does not happen within the grace period."""
    _actions[signum] = action
    if _Interrupts.handOver(signum, _Signals.GRACE_MILLIS):
        return True
    if _actions.get(signum) is action:
        del _actions[signum]
    return False


def run_pending():
    """On the interrupted thread: runs the handlers of the signals that interrupted it, in
    signal-number order. An exception a handler raises propagates (SIGINT without a Python
    handler raises KeyboardInterrupt, as CPython's default_int_handler does)."""
    mask = _Interrupts.takePending()
    signum = 0
    while mask:
        if mask & 1:
            action = _actions.pop(signum, None)
            if action is not None:
                action(signum, _sys._getframe(1))
            elif signum == _SIGINT:
                raise KeyboardInterrupt
        mask >>= 1
        signum += 1


_bridge.registerSignalHook(run_pending)
