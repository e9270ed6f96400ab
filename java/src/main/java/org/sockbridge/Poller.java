package org.sockbridge;

import java.io.FileDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Readiness over any fds with {@code poll(2)}: {@link #select} is CPython's
 * {@code select.select}; {@link PollSet} is {@code select.poll}. Entries may be an
 * {@link Integer} fd, a {@link NativeSocket} (held for the call: closing it from another thread
 * ends the wait with {@code EBADF}), a {@link java.io.FileDescriptor} (Java streams, pipes,
 * {@code System.in}), or any {@link Selectable}.
 */
public final class Poller {
    static {
        NativeLibrary.load();
    }

    private static final short READ = (short) SocketConstants.POLLIN;
    /** Linux select(2) sets: what counts as readable, writable, exceptional. */
    private static final int READ_SET = SocketConstants.POLLIN | SocketConstants.POLLRDNORM
            | SocketConstants.POLLRDBAND | SocketConstants.POLLHUP | SocketConstants.POLLERR;
    private static final int WRITE_SET = SocketConstants.POLLOUT | SocketConstants.POLLWRNORM
            | SocketConstants.POLLWRBAND | SocketConstants.POLLERR;
    private static final int EXCEPT_SET = SocketConstants.POLLPRI;

    private Poller() {}

    /** The fd an entry names. */
    public static int fdOf(Object o) throws SocketError {
        if (o instanceof Integer) {
            int fd = (Integer) o;
            if (fd < 0) {
                throw new IllegalArgumentException("file descriptor cannot be a negative integer (" + fd + ")");
            }
            return fd;
        }
        if (o instanceof Selectable) {
            return ((Selectable) o).fileno();
        }
        if (o instanceof FileDescriptor) {
            return Errors.check(nFdOf(o));
        }
        throw new IllegalArgumentException("argument must be an int, or have a fileno() method.");
    }

    static long handleOf(Object o) {
        return o instanceof NativeSocket ? ((NativeSocket) o).handle() : 0;
    }

    /** The result of {@link #select}: the ready entries of each list, in their order. */
    public static final class Selected {
        /** Ready for reading. */
        public final List<Object> read;
        /** Ready for writing. */
        public final List<Object> write;
        /** With an exceptional condition. */
        public final List<Object> except;

        Selected(List<Object> r, List<Object> w, List<Object> x) {
            read = Collections.unmodifiableList(r);
            write = Collections.unmodifiableList(w);
            except = Collections.unmodifiableList(x);
        }
    }

    /**
     * {@code select(rlist, wlist, xlist, timeout)}: {@code timeoutSeconds} null waits forever,
     * 0 polls. A closed fd raises {@code EBADF}, as select(2) does.
     */
    public static Selected select(List<?> r, List<?> w, List<?> x, Double timeoutSeconds) throws SocketError {
        long timeout = timeoutNanos(timeoutSeconds);
        int n = r.size() + w.size() + x.size();
        int[] fds = new int[n];
        long[] handles = new long[n];
        short[] events = new short[n];
        short[] revents = new short[n];
        int i = 0;
        for (List<?> list : List.of(r, w, x)) {
            short ev = list == r ? READ : list == w ? (short) SocketConstants.POLLOUT : (short) SocketConstants.POLLPRI;
            for (Object o : list) {
                fds[i] = fdOf(o);
                handles[i] = handleOf(o);
                events[i] = ev;
                i++;
            }
        }
        Errors.check(nPoll(fds, handles, events, revents, n, timeout));
        List<Object> rr = new ArrayList<>();
        List<Object> wr = new ArrayList<>();
        List<Object> xr = new ArrayList<>();
        i = 0;
        for (List<?> list : List.of(r, w, x)) {
            int set = list == r ? READ_SET : list == w ? WRITE_SET : EXCEPT_SET;
            List<Object> out = list == r ? rr : list == w ? wr : xr;
            for (Object o : list) {
                if ((revents[i] & SocketConstants.POLLNVAL) != 0) {
                    throw new SocketError(9, NativeLibrary.strerror(9));
                }
                if ((revents[i] & set) != 0) {
                    out.add(o);
                }
                i++;
            }
        }
        return new Selected(rr, wr, xr);
    }

    static long timeoutNanos(Double seconds) {
        if (seconds == null) {
            return -1;
        }
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException("Invalid value NaN (not a number)");
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("timeout must be non-negative");
        }
        double ns = Math.ceil(seconds * 1e9);
        return ns >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) ns;
    }

    /** One native poll; arrays hold at least {@code count} entries. */
    static int poll(int[] fds, long[] handles, short[] events, short[] revents, int count, long timeoutNanos)
            throws SocketError {
        return Errors.check(nPoll(fds, handles, events, revents, count, timeoutNanos));
    }

    private static native int nPoll(int[] fds, long[] handles, short[] events, short[] revents, int count,
            long timeoutNanos);

    private static native int nFdOf(Object fileDescriptor);
}
