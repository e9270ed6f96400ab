"""Runs one of CPython 2.7.18's own test suites (test_socket, test_ssl, ...) unmodified and records
each test's outcome. Runs on CPython 2.7.18 (the reference) and on Jython + the sockbridge plug-in;
started by run.py, one process per suite.

    suite_main.py SUITE EVENTS_FILE [--skip FILE] [--test-timeout SECONDS] [--match SUBSTRINGS]

The suite is imported from CPython 2.7.18's test directory (the `test` package; on Jython that
package is pointed at CPython's directory, Jython's own standard library serves everything else),
and its test_main() is called as regrtest would (verbose off, no -u resources). test_main() ends in
support.run_unittest() -> support._run_suite(suite); _run_suite is replaced so each test is
recorded instead of the suite failing as a whole.

EVENTS_FILE gets one line per event, fields separated by tabs, flushed at once, so a killed
process still leaves its record:
    START <id>                          a test began
    END <id> <outcome> <seconds> <detail>   outcome: ok fail error skip xfail upass
    HANG <id> <seconds>                 the watchdog found the test running too long (stacks: stderr)
    SUITE-ERROR <detail>                the suite failed outside any test (import, test_main)
    DONE                                test_main returned
Test ids are unittest ids without the leading "test." (test_socket.BasicTCPTest.testRecv); a class
or module fixture error has unittest's pseudo id ("setUpClass (test_ftplib.TestIPv6Environment)").
--skip FILE lists ids not to run (one a line): tests already recorded by an earlier attempt,
hung tests, and excluded tests. A line "class: <class id>" (test_poplib.TestPOP3_SSLClass) skips
the rest of that class; its tests are recorded as END <id> notrun. --match a,b runs only the
tests whose id contains one of the comma-separated substrings.
"""

import os
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
CPYTHON_TEST_DIR = os.environ.get(
    'CPYTHON_TEST_DIR', os.path.expanduser('~/.pyenv/versions/2.7.18/lib/python2.7/test'))
IS_JYTHON = sys.platform.startswith('java')
LOOPBACK_RESOURCES = {'test_socketserver': ['network']}
MATCH = []

_lock = threading.Lock()
_events = None


def event(*parts):
    line = '\t'.join(str(p).replace('\n', ' ').replace('\t', ' ') for p in parts)
    with _lock:
        _events.write(line + '\n')
        _events.flush()


def short_id(test):
    return test.id().replace('test.test_', 'test_')


def exc_detail(err):
    lines = traceback.format_exception_only(err[0], err[1])
    return (lines[-1].strip() if lines else repr(err[1]))[:300]


class Watchdog(threading.Thread):
    """Ends the process if one test runs longer than `limit` seconds: a blocking call that
    never returns must cost one test, not the whole suite. Dumps every thread's stack first."""

    def __init__(self, limit):
        threading.Thread.__init__(self, name='suite-watchdog')
        self.daemon = True
        self.limit = limit
        self.current = None
        self.started_at = 0

    def begin(self, tid):
        self.current, self.started_at = tid, time.time()

    def finish(self):
        self.current, self.started_at = None, time.time()

    def run(self):
        # Before the first test (imports, compiling the suite on Jython) allow twice the limit.
        self.started_at = time.time() + self.limit
        while True:
            time.sleep(0.5)
            tid, idle = self.current, time.time() - self.started_at
            if idle > self.limit:
                if tid is not None:
                    event('HANG', tid, int(idle))
                else:
                    event('SUITE-ERROR', 'stalled outside any test for %ds' % idle)
                dump_stacks()
                os._exit(3)


def dump_stacks():
    try:
        out = ['--- watchdog: stacks of all threads ---']
        for ident, frame in sys._current_frames().items():
            out.append('Thread %s:' % ident)
            out.append(''.join(traceback.format_stack(frame)))
        sys.stderr.write('\n'.join(out) + '\n')
        sys.stderr.flush()
    except Exception as e:
        sys.stderr.write('watchdog: no stacks: %r\n' % (e,))


def make_result_class(unittest, watchdog):
    class RecordingResult(unittest.TestResult):
        """Records every test's outcome as an event line; prints the traceback to stderr."""

        def startTest(self, test):
            unittest.TestResult.startTest(self, test)
            tid = short_id(test)
            watchdog.begin(tid)
            event('START', tid)
            sys.stderr.write('=== %s\n' % tid)

        def stopTest(self, test):
            unittest.TestResult.stopTest(self, test)
            watchdog.finish()

        def _end(self, test, outcome, detail=''):
            event('END', short_id(test), outcome, '%.2f' % (time.time() - watchdog.started_at),
                  detail)

        def addSuccess(self, test):
            unittest.TestResult.addSuccess(self, test)
            self._end(test, 'ok')

        def addFailure(self, test, err):
            unittest.TestResult.addFailure(self, test, err)
            sys.stderr.write('FAIL %s\n%s' % (short_id(test), self.failures[-1][1]))
            self._end(test, 'fail', exc_detail(err))

        def addError(self, test, err):
            unittest.TestResult.addError(self, test, err)
            sys.stderr.write('ERROR %s\n%s' % (short_id(test), self.errors[-1][1]))
            # setUpClass/setUpModule errors arrive with a pseudo test (_ErrorHolder).
            self._end(test, 'error', exc_detail(err))

        def addSkip(self, test, reason):
            unittest.TestResult.addSkip(self, test, reason)
            self._end(test, 'skip', reason)

        def addExpectedFailure(self, test, err):
            unittest.TestResult.addExpectedFailure(self, test, err)
            self._end(test, 'xfail', exc_detail(err))

        def addUnexpectedSuccess(self, test):
            unittest.TestResult.addUnexpectedSuccess(self, test)
            self._end(test, 'upass')

    return RecordingResult


def filtered(unittest, suite, skip, skip_classes):
    """A copy of `suite` without the tests whose ids are in `skip` (nesting kept, so class and
    module fixtures still run around the remaining tests). Tests of `skip_classes` are left out
    and recorded as not run."""
    out = unittest.TestSuite()
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            out.addTest(filtered(unittest, t, skip, skip_classes))
        elif short_id(t) in skip or (MATCH and not any(m in short_id(t) for m in MATCH)):
            continue
        elif short_id(t).rpartition('.')[0] in skip_classes:
            event('END', short_id(t), 'notrun', '0', 'earlier tests of its class hung')
        else:
            out.addTest(t)
    return out


def setup_test_package():
    """Makes `import test.X` load CPython 2.7.18's test directory, and nothing else from there."""
    if IS_JYTHON:
        import jython_shims  # noqa: F401  (harness shims; see the file)
        import imp
        pkg = imp.new_module('test')
        pkg.__path__ = [CPYTHON_TEST_DIR]
        pkg.__file__ = os.path.join(CPYTHON_TEST_DIR, '__init__.py')
        sys.modules['test'] = pkg
        import socket
        import select
        import ssl
        for mod in (socket, select, ssl):
            if 'sockbridge' not in (getattr(mod, '__file__', '') or ''):
                raise SystemExit('%s is not the plug-in\'s: %r' % (mod.__name__, mod.__file__))
    import test
    where = os.path.realpath(os.path.dirname(test.__file__))
    if where != os.path.realpath(CPYTHON_TEST_DIR):
        raise SystemExit('test package from %s, expected %s' % (where, CPYTHON_TEST_DIR))


def main():
    global _events
    args = sys.argv[1:]
    skip_file, limit = None, 60.0
    while len(args) > 2:
        if args[-2] == '--skip':
            skip_file = args[-1]
        elif args[-2] == '--test-timeout':
            limit = float(args[-1])
        elif args[-2] == '--match':
            MATCH.extend(m for m in args[-1].split(',') if m)
        else:
            break
        args = args[:-2]
    suite_name, events_path = args
    _events = open(events_path, 'a')
    skip, skip_classes = set(), set()
    if skip_file:
        with open(skip_file) as f:
            for line in f:
                line = line.strip()
                if line.startswith('class: '):
                    skip_classes.add(line[7:])
                elif line:
                    skip.add(line)

    sys.path.insert(0, HERE)
    try:
        setup_test_package()
        import unittest
        from test import test_support as support
        support.verbose = 0          # as regrtest without -v
        # As regrtest without -u (no internet, no 'cpu'), except where a suite gates loopback-only
        # tests behind a resource: test_socketserver requires 'network' at import, yet only
        # binds 127.0.0.1 and unix sockets.
        support.use_resources = LOOPBACK_RESOURCES.get(suite_name, [])
        watchdog = Watchdog(limit)
        watchdog.start()
        result_class = make_result_class(unittest, watchdog)

        def _run_suite(suite):
            result = result_class()
            filtered(unittest, suite, skip, skip_classes).run(result)
        support._run_suite = _run_suite
        module = __import__('test.' + suite_name, fromlist=['test_main'])
        module.test_main()
    except BaseException:
        info = sys.exc_info()
        sys.stderr.write('SUITE-ERROR\n' + ''.join(traceback.format_exception(*info)))
        event('SUITE-ERROR', exc_detail(info))
    else:
        event('DONE')
    sys.stdout.flush()
    sys.stderr.flush()
    _events.close()
    # Leftover non-daemon threads (servers a failed test did not stop) must not keep us alive.
    os._exit(0)


if __name__ == '__main__':
    main()
