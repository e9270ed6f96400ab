"""select for Jython on sockbridge: select, poll and epoll over any fds (sockets, pipes, files,
ttys), with CPython 2.7's API. Objects may be ints or anything with a fileno() method,
including Jython file objects, sys.stdin and os.pipe() ends.

select(), poll objects and epoll objects are Java builtins (org.sockbridge.jython.PySelect,
PyPoll, PyEpoll): each call is one Java call and one native call.
"""

import _sockbridge_signal  # noqa: F401 (EINTR runs its handlers; the Java code finds it loaded)
from org.sockbridge import SocketConstants as _Constants
from org.sockbridge.jython import PySelect as _PySelect


class error(Exception):
    """select.error: args == (errno, message)."""


def _load_constants(namespace):
    for field in _Constants.getFields():
        name = field.getName()
        # CPython 2.7.18's epoll() takes no flags and select has no EPOLL_CLOEXEC.
        if name.startswith(('POLL', 'EPOLL')) and name != 'EPOLL_CLOEXEC':
            value = field.getInt(None)
            if name.startswith('EPOLL'):
                value &= 0xffffffff
            namespace[name] = value


_load_constants(globals())
PIPE_BUF = 4096


select = _PySelect.SELECT
cpython_compatible_select = select  # Jython 2.5 name, kept for existing programs
poll = _PySelect.POLL
epoll = _PySelect.EPOLL
