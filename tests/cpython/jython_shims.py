"""Shims for what CPython 2.7.18's test harness (test/support/__init__.py) asks of the
interpreter and Debian's Jython 2.7.3 lacks. Imported on Jython only, before the `test` package.

Only the harness is shimmed here, never the socket/select/ssl behaviour under test: every shim
fills in an interpreter/OS facility the tests use for bookkeeping. Each shim says why it exists.
"""

import os
import sys


# os.getpid: test/support/__init__.py builds TESTFN as "@test_<pid>_tmp" at import time, and
# asyncore/socketserver tests use it for file names. Debian's launcher does not point jnr-ffi at
# libjffi (no -Djffi.boot.library.path), so Jython's posix module runs in its pure-Java mode, which
# hides getpid. The JVM knows its own pid (Java 9+: ProcessHandle).
if not hasattr(os, 'getpid'):
    def getpid():
        from java.lang import ProcessHandle
        return int(ProcessHandle.current().pid())
    os.getpid = getpid


# thread._count: support.threading_setup()/threading_cleanup()/reap_threads() (used by test_main of
# test_socket, test_asyncore, test_ssl, ...) compare thread._count() before and after a test to
# wait for helper threads to finish. Jython's thread module has no _count. Threads started with
# thread.start_new_thread are not in threading.enumerate() on Jython, but every thread that runs
# Python code is in sys._current_frames(); minus the calling thread it is the same figure.
# (Jython's thread module is a type: a plain function set on it would become an unbound method.)
import thread
if not hasattr(thread, '_count'):
    def _count():
        # Jython's _current_frames() can fail with an index error when a thread starts or ends
        # while it collects them (seen once in test_socketserver): ask again.
        for attempt in range(10):
            try:
                return max(len(sys._current_frames()) - 1, 0)
            except Exception:
                if attempt == 9:
                    raise
    thread._count = staticmethod(_count)


# sys.executable: Jython reports Debian's /usr/share/jython/bin/jython, which starts a Jython
# without the plug-in. Tests that start a child interpreter (support/script_helper.py, e.g.
# test_ssl's test__https_verify_envvar) must get the interpreter under test: run.py passes the
# launcher (bin/sockbridge-jython) in SOCKBRIDGE_EXECUTABLE.
if os.environ.get('SOCKBRIDGE_EXECUTABLE'):
    sys.executable = os.environ['SOCKBRIDGE_EXECUTABLE']
