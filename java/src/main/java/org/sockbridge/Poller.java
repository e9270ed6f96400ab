package org.sockbridge;

import java.io.FileDescriptor;
import java.lang.ref.Reference;
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
        if (o != null) {
            int fd = fdOfIoObject(o);
            if (fd >= 0) {
                return fd;
            }
        }
        throw new IllegalArgumentException("argument must be an int, or have a fileno() method.");
    }

    /**
     * What {@link #fdOfIoObject} finds for a stream whose data is in memory and has no fd any
     * more: the pipe of a child process that has exited (Java drains it and closes the fd).
     * Such a stream is always readable (data, then end of file), as the pipe would have been.
     */
    static final int IN_MEMORY = Integer.MIN_VALUE;

    /**
     * True if {@code o} is a Java I/O object that now reads from memory: the pipe of a child
     * process that has exited (Java drained it and closed its fd). Such a stream counts as always
     * readable, as the pipe would have been.
     */
    public static boolean inMemory(Object o) {
        return o != null && !(o instanceof Integer) && !(o instanceof Selectable)
                && !(o instanceof FileDescriptor) && fdOfIoObject(o) == IN_MEMORY;
    }

    /** {@link #fdOf}, or {@link #IN_MEMORY} for a drained child-process pipe. */
    static int fdOrMemory(Object o) throws SocketError {
        if (inMemory(o)) {
            return IN_MEMORY;
        }
        return fdOf(o);
    }

    /**
     * The fd behind a Java I/O object: streams, {@code RandomAccessFile}, NIO channels, and
     * objects with a public {@code getChannel()} (Jython's {@code FileIO}/{@code StreamIO},
     * what {@code os.pipe()}, {@code open()} and {@code sys.stdin} give). -1 if none is found.
     */
    static int fdOfIoObject(Object o) {
        try {
            java.lang.reflect.Method m = o.getClass().getMethod("getChannel");
            Object channel = m.invoke(o);
            if (channel != null) {
                int fd = nFdOfObject(channel);
                if (fd >= 0 || fd == IN_MEMORY) {
                    return fd;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException noChannel) {
            // not a channel holder: probe the object itself
        }
        return nFdOfObject(o);
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
        int[][] idx = selectIndexes(r, w, x, timeoutSeconds);
        List<?>[] lists = {r, w, x};
        List<List<Object>> out = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            List<Object> ready = new ArrayList<>();
            for (int i : idx[k]) {
                ready.add(lists[k].get(i));
            }
            out.add(ready);
        }
        return new Selected(out.get(0), out.get(1), out.get(2));
    }

    /** Like {@link #select}, but returns the positions of the ready entries in each list. */
    public static int[][] selectIndexes(List<?> r, List<?> w, List<?> x, Double timeoutSeconds) throws SocketError {
        long timeout = timeoutNanos(timeoutSeconds);
        List<?>[] lists = {r, w, x};
        short[] want = {READ, (short) SocketConstants.POLLOUT, (short) SocketConstants.POLLPRI};
        int[] sets = {READ_SET, WRITE_SET, EXCEPT_SET};
        int n = r.size() + w.size() + x.size();
        int[] fds = new int[n];
        long[] handles = new long[n];
        short[] events = new short[n];
        short[] revents = new short[n];
        int i = 0;
        for (int k = 0; k < 3; k++) {
            for (Object o : lists[k]) {
                // A socket is named by its handle alone: native code finds its fd.
                handles[i] = handleOf(o);
                fds[i] = handles[i] != 0 ? -1 : fdOrMemory(o);
                if (fds[i] == IN_MEMORY) {
                    fds[i] = -1;            // poll(2) skips it; reported below
                    if (k == 0) {
                        timeout = 0;        // already readable: do not wait
                    }
                }
                events[i] = want[k];
                i++;
            }
        }
        try {
            Errors.check(nPoll(fds, handles, events, revents, n, timeout));
        } finally {
            // The sockets whose handles are in the call stay reachable until it returns.
            Reference.reachabilityFence(lists);
        }
        int[][] out = new int[3][];
        i = 0;
        for (int k = 0; k < 3; k++) {
            int[] hits = new int[lists[k].size()];
            int count = 0;
            for (int pos = 0; pos < lists[k].size(); pos++, i++) {
                if (handles[i] == 0 && fds[i] == -1 || (revents[i] & SocketConstants.POLLNVAL) != 0) {
                    // A child-process pipe drained (and its fd closed) by Java: readable.
                    if (inMemory(lists[k].get(pos))) {
                        revents[i] = (short) (k == 0 ? SocketConstants.POLLIN : 0);
                    } else if ((revents[i] & SocketConstants.POLLNVAL) != 0) {
                        throw new SocketError(9, NativeLibrary.strerror(9));
                    }
                }
                if ((revents[i] & sets[k]) != 0) {
                    hits[count++] = pos;
                }
            }
            out[k] = java.util.Arrays.copyOf(hits, count);
        }
        return out;
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

    /**
     * The handle {@link #pollInto} takes for a socket: closing the socket from another thread
     * then ends the wait with {@code EBADF}. An opaque number; a stale one gives {@code EBADF}.
     */
    public static long pollHandle(NativeSocket s) {
        return s.handle();
    }

    /**
     * One {@code poll(2)} with no allocation, for callers that keep their own arrays across calls
     * (the Jython {@code select} objects): entry {@code i < count} is the socket whose
     * {@link #pollHandle} is {@code handles[i]}, or the fd {@code fds[i]} when that handle is 0;
     * {@code events[i]} is its poll mask, and {@code revents[i]} gets the result. Returns how
     * many entries are ready. {@code timeoutNanos} &lt; 0 waits without end. The caller keeps the
     * sockets reachable until it returns.
     */
    public static int pollInto(int[] fds, long[] handles, short[] events, short[] revents, int count,
            long timeoutNanos) throws SocketError {
        if (count < 0 || count > fds.length || count > handles.length || count > events.length
                || count > revents.length) {
            throw new IllegalArgumentException("count " + count + " is negative or exceeds an array");
        }
        return poll(fds, handles, events, revents, count, timeoutNanos);
    }

    /** One native poll; arrays hold at least {@code count} entries. */
    static int poll(int[] fds, long[] handles, short[] events, short[] revents, int count, long timeoutNanos)
            throws SocketError {
        return Errors.check(nPoll(fds, handles, events, revents, count, timeoutNanos));
    }

    /**
     * A poll set kept ready across calls, as CPython's {@code select.poll} keeps its
     * {@code pollfd} array: {@link #load} copies the entries (after a change), then each
     * {@link #poll} is one native call that, with a zero timeout and no socket closed in the
     * process since the set's sockets were last checked, is one {@code poll(2)} with no per-socket
     * work. Entries are the same as {@link #pollInto}'s (a socket by its {@link #pollHandle},
     * else an fd); a socket closed while in the set gives {@code EBADF}, and closing one from
     * another thread ends a waiting poll with {@code EBADF}. The caller keeps the sockets reachable.
     * Not thread-safe: one thread at a time may use an instance.
     */
    public static final class Prepared {
        private static final int HEADER = 16;
        private static final int POLLFD = 8;
        private static final int SLOT = POLLFD + 4;

        private java.nio.ByteBuffer buf;
        private int slots = -1;
        private long[] handles = new long[0];
        private int count;

        /** An empty set. */
        public Prepared() {}

        /**
         * Replaces the entries with the first {@code count} of the arrays: entry {@code i} is the
         * socket whose {@link #pollHandle} is {@code handles[i]}, or the fd {@code fds[i]} when
         * that handle is 0, watched for {@code events[i]}.
         */
        public void load(int[] fds, long[] handles, short[] events, int count) {
            if (count < 0 || count > fds.length || count > handles.length || count > events.length) {
                throw new IllegalArgumentException("count " + count + " is negative or exceeds an array");
            }
            if (count > slots) {
                int size = Math.max(8, Math.max(count, slots * 2));
                buf = java.nio.ByteBuffer.allocateDirect(HEADER + SLOT * size).order(java.nio.ByteOrder.nativeOrder());
                slots = size;
            }
            if (this.handles.length < count) {
                this.handles = new long[Math.max(count, this.handles.length * 2)];
            }
            buf.putLong(0, 0); // the sockets are checked again on the next poll
            for (int i = 0; i < count; i++) {
                int at = HEADER + POLLFD * i;
                buf.putInt(at, fds[i]);
                buf.putShort(at + 4, events[i]);
                buf.putShort(at + 6, (short) 0);
            }
            System.arraycopy(handles, 0, this.handles, 0, count);
            this.count = count;
        }

        /** Changes the event mask of entry {@code i} (same sockets: nothing to check again). */
        public void setEvents(int i, short events) {
            if (i < 0 || i >= count) {
                throw new IndexOutOfBoundsException("entry " + i + " of " + count);
            }
            buf.putShort(HEADER + POLLFD * i + 4, events);
        }

        /** The number of entries. */
        public int size() {
            return count;
        }

        /**
         * One poll; {@code timeoutNanos} &lt; 0 waits without end. Returns how many entries are
         * ready: {@link #ready}{@code (0 .. n-1)} are their positions, in order.
         */
        public int poll(long timeoutNanos) throws SocketError {
            if (slots < 0) {
                load(new int[0], new long[0], new short[0], 0);
            }
            return Errors.check(nPollPrepared(buf, handles, count, timeoutNanos));
        }

        /** The position of the {@code j}th ready entry of the last {@link #poll}. */
        public int ready(int j) {
            if (j < 0 || j >= count) {
                throw new IndexOutOfBoundsException("ready entry " + j + " of " + count);
            }
            return buf.getInt(HEADER + POLLFD * slots + 4 * j);
        }

        /** The events the last {@link #poll} reported for entry {@code i}. */
        public short revents(int i) {
            if (i < 0 || i >= count) {
                throw new IndexOutOfBoundsException("entry " + i + " of " + count);
            }
            return buf.getShort(HEADER + POLLFD * i + 6);
        }
    }

    private static native int nPollPrepared(java.nio.ByteBuffer set, long[] handles, int count, long timeoutNanos);

    private static native int nPoll(int[] fds, long[] handles, short[] events, short[] revents, int count,
            long timeoutNanos);

    static native int nFdOf(Object fileDescriptor);

    private static native int nFdOfObject(Object ioObject);
}
