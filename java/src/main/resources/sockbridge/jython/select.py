"""select for Jython on sockbridge: select, poll and epoll over any fds (sockets, pipes, files,
ttys), with CPython 2.7's API. Objects may be ints or anything with a fileno() method,
including Jython file objects, sys.stdin and os.pipe() ends.
"""

import errno as _errno

import _sockbridge_signal
from java.lang import IllegalArgumentException as _JIllegalArgument
from org.sockbridge import Epoll as _Epoll
from org.sockbridge import PollSet as _PollSet
from org.sockbridge import SocketConstants as _Constants
from org.sockbridge import SocketError as _JSocketError
from org.sockbridge.jython import PyBridge as _bridge


class error(Exception):
    """select.error: args == (errno, message)."""


def _load_constants(namespace):
    for field in _Constants.getFields():
        name = field.getName()
        if name.startswith(('POLL', 'EPOLL')):
            value = field.getInt(None)
            if name.startswith('EPOLL'):
                value &= 0xffffffff
            namespace[name] = value


_load_constants(globals())
EPOLL_CLOEXEC = 524288


def _signed32(mask):
    mask = int(mask) & 0xffffffff
    return mask - (1 << 32) if mask & 0x80000000 else mask


def _convert(e, kind=None):
    """select.error (or kind) for a facade error; EINTR first runs the Python signal handlers,
    whose exceptions propagate, as on CPython."""
    if e.errno() == _errno.EINTR:
        _sockbridge_signal.run_pending()
    return (kind or error)(e.errno(), str(e.strerror()))


def _fd_object(obj):
    """What the Java Poller accepts for obj (see PyBridge.selectable)."""
    return _bridge.selectable(obj)


def _timeout_seconds(timeout, name='timeout'):
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, long, float)):
        raise TypeError('timeout must be a float or None')
    timeout = float(timeout)
    if timeout < 0:
        raise ValueError('timeout must be non-negative')
    return timeout


def select(rlist, wlist, xlist, timeout=None):
    """select(rlist, wlist, xlist[, timeout]) -> (rlist, wlist, xlist) of the ready objects."""
    timeout = _timeout_seconds(timeout)
    try:
        return tuple(_bridge.select(rlist, wlist, xlist, timeout))
    except _JSocketError, e:
        raise _convert(e)


cpython_compatible_select = select  # Jython 2.5 name, kept for existing programs


class poll(object):
    """select.poll(): register fds with event masks, then poll([timeout_ms])."""

    def __init__(self):
        self._set = _PollSet()

    def register(self, fd, eventmask=POLLIN | POLLPRI | POLLOUT):
        """Watches fd (replacing an earlier mask)."""
        self._set.register(_fd_object(fd), int(eventmask))

    def modify(self, fd, eventmask):
        """Changes the mask of a registered fd (IOError ENOENT if not registered)."""
        try:
            self._set.modify(_fd_object(fd), int(eventmask))
        except _JSocketError, e:
            raise IOError(e.errno(), str(e.strerror()))

    def unregister(self, fd):
        """Stops watching fd (KeyError if not registered)."""
        from java.util import NoSuchElementException
        try:
            self._set.unregister(_fd_object(fd))
        except NoSuchElementException:
            raise KeyError(fd)

    def poll(self, timeout=None):
        """[(fd, events)] ready within timeout milliseconds (None or negative: forever)."""
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, (int, long, float)):
                raise TypeError('timeout must be an integer or None')
            timeout = float(timeout)
        try:
            return [(int(e[0]), int(e[1])) for e in self._set.poll(timeout)]
        except _JSocketError, e:
            raise _convert(e)


class epoll(object):
    """select.epoll([sizehint[, flags]]): level- or edge-triggered readiness."""

    def __init__(self, sizehint=-1, flags=0):
        if sizehint == 0 or sizehint < -1:
            raise ValueError('negative sizehint')
        try:
            self._ep = _Epoll()
        except _JSocketError, e:
            raise IOError(e.errno(), str(e.strerror()))

    def _check(self):
        if self._ep.closed():
            raise ValueError('I/O operation on closed epoll object')

    @property
    def closed(self):
        """True once closed."""
        return self._ep.closed()

    def close(self):
        """Closes the epoll fd."""
        self._ep.close()

    def fileno(self):
        """The epoll fd."""
        self._check()
        return self._ep.fileno()

    def _ctl(self, method, fd, *args):
        self._check()
        try:
            method(_fd_object(fd), *args)
        except _JSocketError, e:
            raise IOError(e.errno(), str(e.strerror()))

    def register(self, fd, eventmask=EPOLLIN | EPOLLPRI | EPOLLOUT):
        """Adds fd (IOError EEXIST if present)."""
        self._ctl(self._ep.register, fd, _signed32(eventmask))

    def modify(self, fd, eventmask):
        """Changes fd's mask (IOError ENOENT if absent)."""
        self._ctl(self._ep.modify, fd, _signed32(eventmask))

    def unregister(self, fd):
        """Removes fd (IOError ENOENT if absent)."""
        self._ctl(self._ep.unregister, fd)

    def poll(self, timeout=-1, maxevents=-1):
        """[(fd, events)] ready within timeout seconds (-1: forever)."""
        self._check()
        if timeout is not None and timeout < 0:
            timeout = None
        if maxevents == -1:
            maxevents = 1024
        elif maxevents <= 0:
            raise ValueError('maxevents must be greater than 0, got %d' % maxevents)
        try:
            return [(int(e[0]), int(e[1]) & 0xffffffff) for e in self._ep.poll(timeout, maxevents)]
        except _JSocketError, e:
            raise _convert(e, IOError)
        except _JIllegalArgument, e:
            raise ValueError(e.getMessage())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
