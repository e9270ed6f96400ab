"""The buffered file object behind socket.makefile() and socket._fileobject, with Python 2.7's
behaviour: read(n) returns n bytes unless the stream ends, readline/iteration split on '\\n',
writes are buffered (bufsize 0: unbuffered, 1: line-buffered, otherwise flushed past bufsize),
close() flushes and lets go of the socket (and closes it when made with close=True).

It works on any object with recv(n) and sendall(data) (urllib2 wraps HTTP responses in it).
"""

from errno import EINTR as _EINTR

_DEFAULT_BUFSIZE = 8192


def _recv(sock, n):
    """sock.recv(n), again after EINTR (a signal handler that returned), as 2.7's file object
    does; an exception the handler raised propagates."""
    while True:
        try:
            return sock.recv(n)
        except EnvironmentError as e:
            if not e.args or e.args[0] != _EINTR:
                raise


class _fileobject(object):
    """A file-like object over a socket-like object."""

    default_bufsize = _DEFAULT_BUFSIZE
    name = '<socket>'

    def __init__(self, sock, mode='rb', bufsize=-1, close=False):
        self._sock = sock
        self.mode = mode
        if bufsize < 0:
            bufsize = self.default_bufsize
        self.bufsize = bufsize
        self.softspace = False
        if bufsize == 0:
            self._rbufsize = 1
        elif bufsize == 1:
            self._rbufsize = self.default_bufsize
        else:
            self._rbufsize = bufsize
        self._wbufsize = bufsize
        self._rbuf = ''
        self._wbuf = []
        self._wbuf_len = 0
        self._close = close

    @property
    def closed(self):
        """True once close() has run."""
        return self._sock is None

    def _check(self):
        if self._sock is None:
            raise ValueError('I/O operation on closed file')

    def close(self):
        """Flushes, then lets go of the socket (closing it if made with close=True)."""
        try:
            if self._sock is not None:
                self.flush()
        finally:
            sock, self._sock = self._sock, None
            if sock is not None:
                if self._close:
                    sock.close()
                release = getattr(sock, '_release', None)
                if release is not None:
                    release()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def flush(self):
        """Sends whatever is buffered."""
        self._check()
        if self._wbuf:
            data = ''.join(self._wbuf)
            self._wbuf = []
            self._wbuf_len = 0
            self._sock.sendall(data)

    def fileno(self):
        """The socket's fd."""
        self._check()
        return self._sock.fileno()

    def write(self, data):
        """Buffers data (str or buffer) and sends per the buffering mode."""
        self._check()
        data = str(data)
        if not data:
            return
        self._wbuf.append(data)
        self._wbuf_len += len(data)
        if (self._wbufsize == 0 or (self._wbufsize == 1 and '\n' in data)
                or (self._wbufsize > 1 and self._wbuf_len >= self._wbufsize)):
            self.flush()

    def writelines(self, lines):
        """Writes each line, then applies the buffering mode once."""
        self._check()
        for line in lines:
            line = str(line)
            self._wbuf.append(line)
            self._wbuf_len += len(line)
        if self._wbufsize <= 1 or self._wbuf_len >= self._wbufsize:
            self.flush()

    def _fill(self):
        """Reads one chunk into the read buffer; False at end of stream."""
        chunk = _recv(self._sock, max(self._rbufsize, 1))
        if not chunk:
            return False
        self._rbuf += chunk
        return True

    def read(self, size=-1):
        """Up to size bytes (everything until end of stream if size < 0)."""
        self._check()
        if size < 0:
            parts = [self._rbuf]
            self._rbuf = ''
            while True:
                chunk = _recv(self._sock, max(self._rbufsize, _DEFAULT_BUFSIZE))
                if not chunk:
                    break
                parts.append(chunk)
            return ''.join(parts)
        while len(self._rbuf) < size:
            chunk = _recv(self._sock, max(size - len(self._rbuf), self._rbufsize))
            if not chunk:
                break
            self._rbuf += chunk
        data, self._rbuf = self._rbuf[:size], self._rbuf[size:]
        return data

    def readline(self, size=-1):
        """One line including its '\\n' (at most size bytes if size >= 0)."""
        self._check()
        while True:
            nl = self._rbuf.find('\n')
            if nl >= 0:
                end = nl + 1
                if 0 <= size < end:
                    end = size
                break
            if 0 <= size <= len(self._rbuf):
                end = size
                break
            if self._rbufsize == 1:
                chunk = _recv(self._sock, 1)
                if not chunk:
                    end = len(self._rbuf)
                    break
                self._rbuf += chunk
            elif not self._fill():
                end = len(self._rbuf)
                break
        line, self._rbuf = self._rbuf[:end], self._rbuf[end:]
        return line

    def readlines(self, sizehint=0):
        """All lines (stopping once about sizehint bytes have been read, if given)."""
        total = 0
        lines = []
        while True:
            line = self.readline()
            if not line:
                break
            lines.append(line)
            total += len(line)
            if sizehint and total >= sizehint:
                break
        return lines

    def __iter__(self):
        return self

    def next(self):
        """The next line; StopIteration at end of stream."""
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
