"""select for Jython on sockbridge: select, poll and epoll over any fds (sockets, pipes, files,
ttys), with CPython 2.7's API. Objects may be ints or anything with a fileno() method,
including Jython file objects, sys.stdin and os.pipe() ends.
"""

import errno as _errno

import _sockbridge_signal
from java.lang import IllegalArgumentException as _JIllegalArgument
from org.sockbridge import Epoll as _Epoll
from org.sockbridge import PollSet as _PollSet
from org.sockbridge import Poller as _Poller
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
PIPE_BUF = 4096

_LONG_MAX = 9223372036854775807.0
_LONGEST_WAIT = 1e9   # seconds: what the native layer is given for longer (finite) waits


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


def _float(value, message):
    """PyFloat_AsDouble as CPython 2.7 applies it: numbers and objects with __float__."""
    if isinstance(value, float):
        return value
    if isinstance(value, basestring):
        raise TypeError(message)
    try:
        return float(value)
    except (TypeError, AttributeError):
        raise TypeError(message)


def _select_timeout(timeout):
    """select()'s timeout: CPython 2.7's OverflowError for huge values, EINVAL (from the
    system call) for negative ones and NaN."""
    if timeout is None:
        return None
    timeout = _float(timeout, 'timeout must be a float or None')
    if timeout > _LONG_MAX:
        raise OverflowError('timeout period too long')
    if not timeout >= 0.0:
        raise error(22, 'Invalid argument')
    return min(timeout, _LONGEST_WAIT)


def select(rlist, wlist, xlist, timeout=None):
    """select(rlist, wlist, xlist[, timeout]) -> (rlist, wlist, xlist) of the ready objects."""
    timeout = _select_timeout(timeout)
    try:
        return tuple(_bridge.select(rlist, wlist, xlist, timeout))
    except _JSocketError, e:
        raise _convert(e)


cpython_compatible_select = select  # Jython 2.5 name, kept for existing programs


def _ushort_mask(mask):
    """poll's event mask as CPython 2.7 parses it (an unsigned short)."""
    if not isinstance(mask, (int, long)):
        if isinstance(mask, float):
            raise TypeError('integer argument expected, got float')
        raise TypeError('an integer is required')
    if mask < 0:
        raise OverflowError("can't convert negative value to unsigned long")
    if mask > 0xffffffffffffffff:
        raise OverflowError('long int too large to convert')
    if mask > 0xffff:
        raise OverflowError('Python int too large for C unsigned short')
    return int(mask)


def _has_int_fileno(obj):
    """True when obj.fileno() gives an int (a socket, a CPython-style file): poll() then reports
    the int, as CPython does. Jython's own fd objects (StreamIO.fileno() is itself) say False."""
    try:
        return isinstance(obj.fileno(), (int, long))
    except Exception:
        return False


class poll(object):
    """select.poll(): register fds with event masks, then poll([timeout_ms])."""

    def __init__(self):
        self._set = _PollSet()
        self._polling = False
        # Jython's own fd objects (os.pipe()'s ends, java.io.FileDescriptor...), which CPython
        # never sees: poll() reports them as registered, so os.write(fd) etc. take them back.
        # Ints and objects with fileno() are reported as int fds, as in CPython.
        self._objects = {}    # kernel fd -> Jython fd object
        self._fds = {}        # Jython fd object -> kernel fd (it may be closed by now)

    def _target(self, fd):
        """What the Java set takes for fd: a Jython fd object registered earlier by its kernel
        fd (so modify/unregister work after os.close, as with CPython's ints), else fd itself."""
        if self._fds and not isinstance(fd, (int, long)):
            try:
                kernel_fd = self._fds.get(fd)
            except TypeError:
                kernel_fd = None
            if kernel_fd is not None:
                return kernel_fd
        return _fd_object(fd)

    def register(self, fd, eventmask=POLLIN | POLLPRI | POLLOUT):
        """Watches fd (replacing an earlier mask)."""
        target = self._target(fd)
        mask = _ushort_mask(eventmask)
        try:
            self._set.register(target, mask)
        except _JIllegalArgument:
            raise TypeError('argument must be an int, or have a fileno() method')
        if not isinstance(fd, (int, long)) and not _has_int_fileno(fd):
            kernel_fd = int(_Poller.fdOf(target))
            self._objects[kernel_fd] = fd
            self._fds[fd] = kernel_fd

    def modify(self, fd, eventmask):
        """Changes the mask of a registered fd (IOError ENOENT if not registered)."""
        target = self._target(fd)
        mask = _ushort_mask(eventmask)
        try:
            self._set.modify(target, mask)
        except _JSocketError, e:
            raise IOError(e.errno(), str(e.strerror()))

    def unregister(self, fd):
        """Stops watching fd (KeyError if not registered)."""
        from java.util import NoSuchElementException
        target = self._target(fd)
        try:
            self._set.unregister(target)
        except NoSuchElementException:
            raise KeyError(fd if isinstance(fd, (int, long)) else _Poller.fdOf(target))
        if self._objects:
            obj = self._objects.pop(int(_Poller.fdOf(target)), None)
            if obj is not None:
                self._fds.pop(obj, None)

    def poll(self, timeout=None):
        """[(fd, events)] ready within timeout milliseconds (None or negative: forever)."""
        if timeout is not None:
            if isinstance(timeout, basestring) or not hasattr(timeout, '__int__'):
                raise TypeError('timeout must be an integer or None')
            timeout = int(timeout)
            if not -9223372036854775808 <= timeout <= 9223372036854775807:
                raise OverflowError('Python int too large to convert to C long')
            if not -2147483648 <= timeout <= 2147483647:
                raise OverflowError('Python int too large to convert to C int')
            timeout = None if timeout < 0 else float(timeout)
        if self._polling:
            raise RuntimeError('concurrent poll() invocation')
        self._polling = True
        try:
            ready = [(int(e[0]), int(e[1])) for e in self._set.poll(timeout)]
            if self._objects:
                objects = self._objects
                ready = [(objects.get(fd, fd), ev) for fd, ev in ready]
            return ready
        except _JSocketError, e:
            raise _convert(e)
        finally:
            self._polling = False


class epoll(object):
    """select.epoll([sizehint[, flags]]): level- or edge-triggered readiness."""

    def __init__(self, sizehint=-1, flags=0):
        if not isinstance(sizehint, (int, long)) or not isinstance(flags, (int, long)):
            raise TypeError('an integer is required')
        if sizehint == 0 or sizehint < -1:
            raise ValueError('negative sizehint')
        try:
            self._ep = _Epoll()
        except _JSocketError, e:
            raise IOError(e.errno(), str(e.strerror()))

    @classmethod
    def fromfd(cls, fd):
        """epoll.fromfd(fd): an epoll object over fd. Over the fd of a live epoll object the two
        share one epoll instance (closing either closes it; the other then gets IOError EBADF,
        as in CPython 2.7.18); any other fd is taken over and closed by close()."""
        if isinstance(fd, float):
            raise TypeError('integer argument expected, got float')
        if not isinstance(fd, (int, long)):
            raise TypeError('an integer is required')
        if not -2147483648 <= fd <= 2147483647:
            raise OverflowError('signed integer is greater than maximum'
                                if fd > 0 else 'signed integer is less than minimum')
        self = cls.__new__(cls)
        try:
            self._ep = _Epoll.fromFd(fd)
        except _JSocketError, e:
            raise IOError(e.errno(), str(e.strerror()))
        return self

    def _check(self):
        if self._ep.closed():
            raise ValueError('I/O operation on closed epoll fd')

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
        """Removes fd (IOError ENOENT if absent; an fd closed already is ignored, as in CPython)."""
        try:
            self._ctl(self._ep.unregister, fd)
        except IOError, e:
            if e.errno != 9:
                raise

    def poll(self, timeout=-1, maxevents=-1):
        """[(fd, events)] ready within timeout seconds (-1: forever)."""
        self._check()
        if timeout is not None:
            timeout = _float(timeout, 'a float is required')
            if timeout < 0:
                timeout = None
            elif timeout * 1000.0 > 2147483647:
                raise OverflowError('timeout is too large')
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
