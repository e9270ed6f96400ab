package org.sockbridge;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;

/**
 * CPython's {@code select.epoll}: level-triggered by default, edge-triggered with
 * {@link SocketConstants#EPOLLET}. Each wait costs in proportion to the ready fds. Closing from
 * another thread wakes a waiting {@link #poll}, which then fails with {@code EBADF}.
 */
public final class Epoll implements Closeable {
    static {
        NativeLibrary.load();
    }

    private final long handle;
    private volatile boolean closed;

    /** {@code epoll()}: a new epoll instance. */
    public Epoll() throws SocketError {
        handle = Errors.check(nCreate());
    }

    /** The epoll fd. */
    public int fileno() throws SocketError {
        return Errors.check(nFileno(handle));
    }

    /** True once closed. */
    public boolean closed() {
        return closed;
    }

    /** {@code register(fd, eventmask)}; {@code EEXIST} if already registered. */
    public void register(Object fdOrObject, int events) throws SocketError {
        Errors.check(nCtl(handle, 1, Poller.fdOf(fdOrObject), events));
    }

    /** {@code modify(fd, eventmask)}; {@code ENOENT} if not registered. */
    public void modify(Object fdOrObject, int events) throws SocketError {
        Errors.check(nCtl(handle, 3, Poller.fdOf(fdOrObject), events));
    }

    /** {@code unregister(fd)}; {@code ENOENT} if not registered. */
    public void unregister(Object fdOrObject) throws SocketError {
        Errors.check(nCtl(handle, 2, Poller.fdOf(fdOrObject), 0));
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
        int n = Errors.check(nWait(handle, fds, events, nanos));
        List<int[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new int[] {fds[i], events[i]});
        }
        return out;
    }

    /** Closes the instance; closing again does nothing. */
    @Override
    public void close() {
        closed = true;
        nClose(handle);
    }

    private static native long nCreate();

    private static native int nClose(long h);

    private static native int nFileno(long h);

    private static native int nCtl(long h, int op, int fd, int events);

    private static native int nWait(long h, int[] fds, int[] events, long timeoutNanos);
}
