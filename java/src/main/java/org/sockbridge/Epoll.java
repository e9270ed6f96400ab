package org.sockbridge;

import java.io.Closeable;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * CPython's {@code select.epoll}: level-triggered by default, edge-triggered with
 * {@link SocketConstants#EPOLLET}. Each wait costs in proportion to the ready fds. Closing from
 * another thread wakes a waiting {@link #poll}, which then fails with {@code EBADF}.
 *
 * <p>{@link #fromFd} over the fd of a live instance gives a second object sharing that instance:
 * closing either closes it for both (the other's operations then fail with {@code EBADF}, as
 * CPython 2.7.18's do), and the fd itself is closed once, when the last object lets go, so no
 * close can hit a number another thread has just reused. An instance that becomes unreachable
 * without being closed is released by a {@link Cleaner}: it closes only if no other object
 * shares it.
 */
public final class Epoll implements Closeable {
    private static final Cleaner CLEANER = Cleaner.create();

    static {
        NativeLibrary.load();
    }

    private final long handle;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    /** {@code epoll()}: a new epoll instance. */
    public Epoll() throws SocketError {
        this(Errors.check(nCreate()));
    }

    private Epoll(long handle) {
        this.handle = handle;
        this.cleanable = CLEANER.register(this, new Releaser(handle));
    }

    /**
     * {@code select.epoll.fromfd(fd)}: an object over the live instance whose fd is {@code fd}
     * (sharing it), else over {@code fd} itself, which it then owns (closing it closes {@code fd};
     * a non-epoll fd fails its waits with {@code EINVAL}). A number that is not open gives an
     * object whose operations fail with {@code EBADF}; {@code -1} a new instance.
     */
    public static Epoll fromFd(int fd) throws SocketError {
        return new Epoll(Errors.check(nFromFd(fd)));
    }

    /** Releases a handle; holds no reference to the Epoll object. */
    private static final class Releaser implements Runnable {
        private final long handle;

        Releaser(long handle) {
            this.handle = handle;
        }

        @Override
        public void run() {
            nRelease(handle);
        }
    }

    /** The epoll fd. */
    public int fileno() throws SocketError {
        try {
            return Errors.check(nFileno(handle));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** True once closed. */
    public boolean closed() {
        return closed;
    }

    /** {@code register(fd, eventmask)}; {@code EEXIST} if already registered. */
    public void register(Object fdOrObject, int events) throws SocketError {
        ctl(1, fdOrObject, events);
    }

    /** {@code modify(fd, eventmask)}; {@code ENOENT} if not registered. */
    public void modify(Object fdOrObject, int events) throws SocketError {
        ctl(3, fdOrObject, events);
    }

    /** {@code unregister(fd)}; {@code ENOENT} if not registered. */
    public void unregister(Object fdOrObject) throws SocketError {
        ctl(2, fdOrObject, 0);
    }

    private void ctl(int op, Object fdOrObject, int events) throws SocketError {
        try {
            Errors.check(nCtl(handle, op, Poller.fdOf(fdOrObject), events));
        } finally {
            // The Cleaner must not release the handle while the call is using it.
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@code poll(timeout, maxevents)}: timeout in seconds (null or negative: forever);
     * a list of {@code {fd, events}}.
     */
    public List<int[]> poll(Double timeoutSeconds, int maxEvents) throws SocketError {
        if (maxEvents <= 0) {
            throw new IllegalArgumentException("maxevents must be greater than 0, got " + maxEvents);
        }
        long nanos = timeoutSeconds == null || timeoutSeconds < 0 ? -1 : Poller.timeoutNanos(timeoutSeconds);
        int[] fds = new int[maxEvents];
        int[] events = new int[maxEvents];
        int n;
        try {
            n = Errors.check(nWait(handle, fds, events, nanos));
        } finally {
            Reference.reachabilityFence(this);
        }
        List<int[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new int[] {fds[i], events[i]});
        }
        return out;
    }

    /**
     * One {@code epoll_wait} with no allocation: up to {@code fds.length} events go into
     * {@code fds}/{@code events} (the shorter array's length is maxevents); returns how many.
     * {@code timeoutNanos} &lt; 0 waits without end.
     */
    public int waitInto(int[] fds, int[] events, long timeoutNanos) throws SocketError {
        if (fds.length == 0 || events.length == 0) {
            throw new IllegalArgumentException("maxevents must be greater than 0");
        }
        try {
            return Errors.check(nWait(handle, fds, events, timeoutNanos));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Closes the instance (for every object sharing it); closing again does nothing. */
    @Override
    public void close() {
        closed = true;
        nClose(handle);
        cleanable.clean();
    }

    private static native long nCreate();

    private static native long nFromFd(int fd);

    private static native int nClose(long h);

    private static native int nRelease(long h);

    private static native int nFileno(long h);

    private static native int nCtl(long h, int op, int fd, int events);

    private static native int nWait(long h, int[] fds, int[] events, long timeoutNanos);
}
