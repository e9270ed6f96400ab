package org.sockbridge;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * CPython's {@code select.poll} object: register fds with an event mask, then
 * {@link #poll(Double)} returns {@code (fd, revents)} pairs. Not thread-safe, as in CPython.
 */
public final class PollSet {
    private final Map<Integer, long[]> entries = new LinkedHashMap<>();
    /** The Java I/O objects registered (not ints or sockets), to recognise drained pipes. */
    private final Map<Integer, Object> ioObjects = new java.util.HashMap<>();
    /**
     * The sockets registered: their handles are passed to native code, so the set keeps them
     * reachable (a socket collected while registered would be closed by its Cleaner and its fd
     * number reused under the poll).
     */
    private final Map<Integer, Selectable> sockets = new java.util.HashMap<>();

    /** {@code register(fd, eventmask)}; registering again replaces the mask. */
    public void register(Object fdOrObject, int events) throws SocketError {
        int fd = Poller.fdOf(fdOrObject);
        entries.put(fd, new long[] {events & 0xffff, Poller.handleOf(fdOrObject)});
        if (fdOrObject instanceof NativeSocket) {
            sockets.put(fd, (NativeSocket) fdOrObject);
        } else {
            sockets.remove(fd);
        }
        if (fdOrObject instanceof Integer || fdOrObject instanceof Selectable) {
            ioObjects.remove(fd);
        } else {
            ioObjects.put(fd, fdOrObject);
        }
    }

    /** {@code modify(fd, eventmask)}; {@code ENOENT} if not registered. */
    public void modify(Object fdOrObject, int events) throws SocketError {
        int fd = Poller.fdOf(fdOrObject);
        long[] e = entries.get(fd);
        if (e == null) {
            throw new SocketError(2, NativeLibrary.strerror(2));
        }
        e[0] = events & 0xffff;
    }

    /** {@code unregister(fd)}; {@link NoSuchElementException} (KeyError) if not registered. */
    public void unregister(Object fdOrObject) throws SocketError {
        int fd = Poller.fdOf(fdOrObject);
        ioObjects.remove(fd);
        sockets.remove(fd);
        if (entries.remove(fd) == null) {
            throw new NoSuchElementException(Integer.toString(fd));
        }
    }

    /**
     * {@code poll(timeout)} with the timeout in milliseconds (null or negative: wait forever):
     * a list of {@code {fd, revents}}.
     */
    public List<int[]> poll(Double timeoutMillis) throws SocketError {
        long nanos = timeoutMillis == null || timeoutMillis < 0 ? -1 : Poller.timeoutNanos(timeoutMillis / 1000.0);
        int n = entries.size();
        int[] fds = new int[n];
        long[] handles = new long[n];
        short[] events = new short[n];
        short[] revents = new short[n];
        int i = 0;
        for (Map.Entry<Integer, long[]> e : entries.entrySet()) {
            fds[i] = e.getKey();
            events[i] = (short) e.getValue()[0];
            handles[i] = e.getValue()[1];
            i++;
        }
        try {
            Poller.poll(fds, handles, events, revents, n, nanos);
        } finally {
            Reference.reachabilityFence(sockets);
        }
        List<int[]> out = new ArrayList<>();
        for (i = 0; i < n; i++) {
            if ((revents[i] & SocketConstants.POLLNVAL) != 0 && Poller.inMemory(ioObjects.get(fds[i]))) {
                // A child-process pipe Java drained and closed: its data (or EOF) is readable.
                revents[i] = (short) (events[i] & SocketConstants.POLLIN);
            }
            if (revents[i] != 0) {
                out.add(new int[] {fds[i], revents[i] & 0xffff});
            }
        }
        return out;
    }
}
