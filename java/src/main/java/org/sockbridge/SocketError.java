package org.sockbridge;

import java.io.IOException;

/**
 * An operating-system error on a socket: CPython's {@code socket.error(errno, strerror)}.
 * {@link #errno()} is the OS error number (0 when the failure has no errno, such as
 * "service/proto not found"), {@link #strerror()} the C library's text for it.
 */
public class SocketError extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final String strerror;

    /** Creates the error for {@code errno} with the message {@code strerror}. */
    public SocketError(int errno, String strerror) {
        this(errno, strerror, true);
    }

    /**
     * Creates the error, with or without a stack trace. Errors that event loops meet all the
     * time ({@code EAGAIN}, {@code EINPROGRESS}, timeouts) are built without one, as Netty does:
     * the trace would cost more than the failed call.
     */
    SocketError(int errno, String strerror, boolean withStackTrace) {
        super(errno == 0 ? strerror : "[Errno " + errno + "] " + strerror);
        this.errno = errno;
        this.strerror = strerror;
        if (withStackTrace) {
            super.fillInStackTrace();
        }
    }

    /** Stack traces are filled by the constructor when wanted (see above). */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** The OS error number, or 0 if there is none. */
    public int errno() {
        return errno;
    }

    /** The error's text without the number, as CPython's {@code e.strerror}. */
    public String strerror() {
        return strerror;
    }
}
