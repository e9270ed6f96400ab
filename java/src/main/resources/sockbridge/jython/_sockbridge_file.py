"""The buffered file object behind socket.makefile() and socket._fileobject: CPython 2.7.18's
_fileobject (from its socket.py, Python Software Foundation License), unchanged but for close(),
which also lets go of the socket's fd (CPython relies on reference counting for that), and the
read buffer, kept as a string and an offset (see read()).

read(n) asks recv() for at most the bytes still missing, so nothing past n is taken from the
kernel; readline() reads in chunks of the buffer size and keeps the surplus; the read buffer is
one string plus an offset, so reads cost linear time; flush() keeps what sendall() did not send.
It works on any object with recv(n) and sendall(data) (urllib2 wraps HTTP responses in it).
"""

try:
    from cStringIO import StringIO
except ImportError:
    from StringIO import StringIO

EBADF = 9
EINTR = 4


class _fileobject(object):
    """Faux file object attached to a socket object."""

    default_bufsize = 8192
    name = "<socket>"

    __slots__ = ["mode", "bufsize", "softspace",
                 # "closed" is a property, see below
                 "_sock", "_rbufsize", "_wbufsize", "_rbuf", "_wbuf", "_wbuf_len",
                 "_close", "_hold", "_rpos"]

    def __init__(self, sock, mode='rb', bufsize=-1, close=False):
        self._sock = sock
        self.mode = mode # Not actually used in this version
        if bufsize < 0:
            bufsize = self.default_bufsize
        self.bufsize = bufsize
        self.softspace = False
        # _rbufsize is the suggested recv buffer size.  It is *strictly*
        # obeyed within readline() for recv calls.  If it is larger than
        # default_bufsize it will be used for recv calls within read().
        if bufsize == 0:
            self._rbufsize = 1
        elif bufsize == 1:
            self._rbufsize = self.default_bufsize
        else:
            self._rbufsize = bufsize
        self._wbufsize = bufsize
        # We use StringIO for the read buffer to avoid holding a list
        # of variously sized string objects which have been known to
        # fragment the heap due to how they are malloc()ed and often
        # realloc()ed down much smaller than their original allocation.
        self._rbuf = ''     # sockbridge: buffered bytes are _rbuf[_rpos:]
        self._rpos = 0
        self._wbuf = [] # A list of strings
        self._wbuf_len = 0
        self._close = close
        self._hold = None   # sockbridge: the real socket's holder count this file takes part in

    def _getclosed(self):
        return self._sock is None
    closed = property(_getclosed, doc="True if the file is closed")

    def close(self):
        sock = self._sock
        try:
            if self._sock:
                self.flush()
        finally:
            if self._close:
                self._sock.close()
            self._sock = None
            # sockbridge: no reference counting on the JVM, so the file lets go of the fd
            # explicitly (socket.makefile() took a hold; ssl's file sockets have _release()).
            hold, self._hold = self._hold, None
            if hold is not None:
                hold.release()
            elif sock is not None:
                release = getattr(sock, '_release', None)
                if release is not None:
                    release()

    def __del__(self):
        try:
            self.close()
        except:
            # close() may fail if __init__ didn't complete
            pass

    def flush(self):
        if self._wbuf:
            data = "".join(self._wbuf)
            self._wbuf = []
            self._wbuf_len = 0
            buffer_size = max(self._rbufsize, self.default_bufsize)
            data_size = len(data)
            write_offset = 0
            view = memoryview(data)
            try:
                while write_offset < data_size:
                    self._sock.sendall(view[write_offset:write_offset+buffer_size])
                    write_offset += buffer_size
            finally:
                if write_offset < data_size:
                    remainder = data[write_offset:]
                    del view, data  # explicit free
                    self._wbuf.append(remainder)
                    self._wbuf_len = len(remainder)

    def fileno(self):
        return self._sock.fileno()

    def write(self, data):
        data = str(data) # XXX Should really reject non-string non-buffers
        if not data:
            return
        self._wbuf.append(data)
        self._wbuf_len += len(data)
        if (self._wbufsize == 0 or
            (self._wbufsize == 1 and '\n' in data) or
            (self._wbufsize > 1 and self._wbuf_len >= self._wbufsize)):
            self.flush()

    def writelines(self, list):
        # XXX We could do better here for very long lists
        # XXX Should really reject non-string non-buffers
        lines = filter(None, map(str, list))
        self._wbuf_len += sum(map(len, lines))
        self._wbuf.extend(lines)
        if (self._wbufsize <= 1 or
            self._wbuf_len >= self._wbufsize):
            self.flush()

    # read() and readline() are CPython 2.7.18's algorithm -- the same recv() calls with the same
    # sizes, the same results, the same surplus kept -- with the read buffer held as a string
    # and an offset (_rbuf[_rpos:]) instead of a cStringIO that 2.7 copies on every line:
    # Jython's strings make that copy cost more than the I/O.

    def _take(self, n):
        """The first n buffered bytes (at most what is buffered), removed from the buffer."""
        pos = self._rpos
        data = self._rbuf[pos:pos + n]
        self._rpos = pos + len(data)
        if self._rpos >= len(self._rbuf):
            self._rbuf, self._rpos = '', 0
        return data

    def _drain(self):
        """Everything buffered, leaving the buffer empty."""
        data = self._rbuf[self._rpos:] if self._rpos else self._rbuf
        self._rbuf, self._rpos = '', 0
        return data

    def _keep(self, data, start):
        """Buffers data[start:] (the surplus of a recv) without copying it."""
        if start < len(data):
            self._rbuf, self._rpos = data, start

    def read(self, size=-1):
        # Use max, disallow tiny reads in a loop as they are very inefficient.
        # We never leave read() with any leftover data from a new recv() call
        # in our internal buffer.
        rbufsize = max(self._rbufsize, self.default_bufsize)
        if size < 0:
            # Read until EOF
            parts = [self._drain()]
            while True:
                try:
                    data = self._sock.recv(rbufsize)
                except error, e:
                    if e.args[0] == EINTR:
                        continue
                    raise
                if not data:
                    break
                parts.append(data)
            return ''.join(parts)
        else:
            # Read until size bytes or EOF seen, whichever comes first
            buf_len = len(self._rbuf) - self._rpos
            if buf_len >= size:
                # Already have size bytes in our buffer?  Extract and return.
                return self._take(size)
            parts = [self._drain()]
            while True:
                left = size - buf_len
                try:
                    data = self._sock.recv(left)
                except error, e:
                    if e.args[0] == EINTR:
                        continue
                    raise
                if not data:
                    break
                n = len(data)
                if n == size and not buf_len:
                    # Shortcut.  Avoid buffer data copies when:
                    # - We have no data in our buffer.
                    # AND
                    # - Our call to recv returned exactly the
                    #   number of bytes we were asked to read.
                    return data
                if n == left:
                    parts.append(data)
                    break
                assert n <= left, "recv(%d) returned %d bytes" % (left, n)
                parts.append(data)
                buf_len += n
            return ''.join(parts)

    def readline(self, size=-1):
        if self._rpos < len(self._rbuf):
            # check if we already have it in our buffer
            nl = self._rbuf.find('\n', self._rpos)
            end = len(self._rbuf) if nl < 0 else nl + 1
            if size >= 0 and end - self._rpos > size:
                end = self._rpos + size
            if nl >= 0 and end == nl + 1 or end - self._rpos == size:
                return self._take(end - self._rpos)
        if size < 0:
            # Read until \n or EOF, whichever comes first
            if self._rbufsize <= 1:
                # Speed up unbuffered case
                buffers = [self._drain()]
                data = None
                recv = self._sock.recv
                while True:
                    try:
                        while data != "\n":
                            data = recv(1)
                            if not data:
                                break
                            buffers.append(data)
                    except error, e:
                        # The try..except to catch EINTR was moved outside the
                        # recv loop to avoid the per byte overhead.
                        if e.args[0] == EINTR:
                            continue
                        raise
                    break
                return "".join(buffers)

            parts = [self._drain()]
            while True:
                try:
                    data = self._sock.recv(self._rbufsize)
                except error, e:
                    if e.args[0] == EINTR:
                        continue
                    raise
                if not data:
                    break
                nl = data.find('\n')
                if nl >= 0:
                    nl += 1
                    parts.append(data[:nl])
                    self._keep(data, nl)
                    break
                parts.append(data)
            return ''.join(parts)
        else:
            # Read until size bytes or \n or EOF seen, whichever comes first
            buf_len = len(self._rbuf) - self._rpos
            if buf_len >= size:
                return self._take(size)
            parts = [self._drain()]
            while True:
                try:
                    data = self._sock.recv(self._rbufsize)
                except error, e:
                    if e.args[0] == EINTR:
                        continue
                    raise
                if not data:
                    break
                left = size - buf_len
                # did we just receive a newline?
                nl = data.find('\n', 0, left)
                if nl >= 0:
                    nl += 1
                    # save the excess data to _rbuf
                    self._keep(data, nl)
                    if buf_len:
                        parts.append(data[:nl])
                        break
                    else:
                        # Shortcut.  Avoid data copy through buf when returning
                        # a substring of our first recv().
                        return data[:nl]
                n = len(data)
                if n == size and not buf_len:
                    # Shortcut.  Avoid data copy through buf when
                    # returning exactly all of our first recv().
                    return data
                if n >= left:
                    parts.append(data[:left])
                    self._keep(data, left)
                    break
                parts.append(data)
                buf_len += n
            return ''.join(parts)

    def readlines(self, sizehint=0):
        total = 0
        list = []
        while True:
            line = self.readline()
            if not line:
                break
            list.append(line)
            total += len(line)
            if sizehint and total >= sizehint:
                break
        return list

    # Iterator protocols

    def __iter__(self):
        return self

    def next(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


# Imported last, so either module may be imported first (_socket imports this one at its end).
from _socket import error  # noqa: E402
