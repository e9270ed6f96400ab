package org.sockbridge;

/**
 * Turns the negative codes native calls return on the hot path into exceptions
 * (Netty's way: no exception object is built in native code for an ordinary failure).
 */
final class Errors {
    /** Must match {@code TIMEOUT} in {@code src/jni/convert.rs}. */
    static final int TIMEOUT = -1_000_000;
    /** Must match {@code TLS_WANT_READ} in {@code src/jni/convert.rs}. */
    static final int TLS_WANT_READ = -1_000_001;
    /** Must match {@code TLS_WANT_WRITE} in {@code src/jni/convert.rs}. */
    static final int TLS_WANT_WRITE = -1_000_002;
    /**
     * Must match {@code PANIC} in {@code src/jni/convert.rs}: a native panic, which leaves an
     * {@code Error} pending; should the code ever be seen, it is an {@code Error}, never an errno.
     */
    static final int PANIC = -1_000_003;

    private Errors() {}

    /** Returns {@code r} if it is ≥ 0, else throws its exception. */
    static int check(int r) throws SocketError {
        if (r >= 0) {
            return r;
        }
        throw exception(r);
    }

    /** Returns {@code r} if it is ≥ 0, else throws its exception. */
    static long check(long r) throws SocketError {
        if (r >= 0) {
            return r;
        }
        throw exception((int) r);
    }

    /** The exception for a negative code. */
    static SocketError exception(int code) {
        if (code == PANIC) {
            throw new Error("sockbridge internal error (native panic)");
        }
        if (code == TIMEOUT) {
            return new SocketTimeout();
        }
        if (code == TLS_WANT_READ) {
            return new TlsError(TlsError.Reason.WANT_READ, "The operation did not complete (read)", 0);
        }
        if (code == TLS_WANT_WRITE) {
            return new TlsError(TlsError.Reason.WANT_WRITE, "The operation did not complete (write)", 0);
        }
        int errno = -code;
        boolean routine = errno == EAGAIN || errno == EINPROGRESS || errno == EALREADY;
        return new SocketError(errno, NativeLibrary.strerror(errno), !routine);
    }

    private static final int EAGAIN = 11;
    private static final int EALREADY = 114;
    private static final int EINPROGRESS = 115;
}
