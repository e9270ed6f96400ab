package org.sockbridge;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Readiness for many sockbridge sockets at once, the role {@link java.nio.channels.Selector}
 * plays for NIO channels: {@link #register} a {@link NativeSocket} (TCP, UDP, AF_UNIX), a
 * {@link TlsSocket}, or any {@link Selectable} with an interest ({@link #READ}, {@link #WRITE})
 * and an attachment; {@link #select} waits and returns the ready {@link EventKey}s. Built on
 * {@link Epoll} (level-triggered), so a wait costs in proportion to the ready sockets, not the
 * registered ones.
 *
 * <p>Threads: one thread runs the loop ({@code register}, {@code select}, the keys' methods);
 * {@link #wakeup()} and {@link #close()} may be called from any thread.
 *
 * <p>Closing a registered socket: {@link EventKey#close()} cancels the key and then closes the
 * socket (the way to do it). A socket closed behind the loop's back is handled too: the kernel
 * drops a socket from epoll when its last fd closes, a key whose socket is closed is never
 * reported ready (each ready key is checked, and an incremental sweep cancels the rest, one key per
 * {@code select}), and registering a new socket that got the old fd number replaces the stale key.
 * The one case epoll itself cannot untangle: a socket with a live {@code dup()} closed without
 * cancelling its key stays registered in the kernel under the old fd number (epoll(7), "Q6");
 * cancel first.
 *
 * <p>TLS: a {@link TlsSocket} may hold decrypted bytes that the fd no longer shows; a TLS key
 * with {@link #READ} interest is reported readable while {@link TlsSocket#pending()} is
 * non-zero, so reading what {@code select} reports, once per wake-up, never strands data.
 */
public final class EventLoop implements Closeable {
    /** Interest and readiness: readable (data, a connection to accept, end of stream, an error). */
    public static final int READ = 1;
    /** Interest and readiness: writable (room to send, a finished connect, an error). */
    public static final int WRITE = 4;

    private static final int IN = SocketConstants.EPOLLIN;
    private static final int OUT = SocketConstants.EPOLLOUT;
    private static final int ERR_HUP = SocketConstants.EPOLLERR | SocketConstants.EPOLLHUP;
    private static final int SWEEP_PER_SELECT = 1;

    private final Epoll epoll;
    private final NativeSocket wakeRead;
    private final NativeSocket wakeWrite;
    private final int wakeFd;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final byte[] wakeBuf = new byte[64];
    private static final byte[] ONE = {1};

    /** Keys by fd. */
    private EventKey[] byFd = new EventKey[64];
    /** All valid keys (for the sweep and {@link #keys()}); {@link EventKey#index} is the slot. */
    private final ArrayList<EventKey> all = new ArrayList<>();
    private int sweepAt;
    /** TLS keys to ask for pending plaintext before the next wait. */
    private final ArrayList<EventKey> tlsCheck = new ArrayList<>();
    private final ArrayList<EventKey> ready = new ArrayList<>();
    private final List<EventKey> readyView = Collections.unmodifiableList(ready);
    private long selectRound;
    private volatile boolean closed;

    /** A new loop: an epoll instance and a wake-up socket pair. */
    public EventLoop() throws SocketError {
        epoll = new Epoll();
        NativeSocket[] pair;
        try {
            pair = NativeSocket.pair(SocketConstants.AF_UNIX, SocketConstants.SOCK_STREAM, 0);
        } catch (SocketError e) {
            epoll.close();
            throw e;
        }
        wakeRead = pair[0];
        wakeWrite = pair[1];
        try {
            wakeRead.setTimeout(0.0);
            wakeWrite.setTimeout(0.0);
            wakeFd = wakeRead.fileno();
            epoll.register(wakeFd, IN);
        } catch (SocketError e) {
            close();
            throw e;
        }
    }

    /** Registers a plain socket. See {@link #register(Selectable, int, Object)}. */
    public EventKey register(NativeSocket socket, int interest, Object attachment) throws SocketError {
        return register((Selectable) socket, interest, attachment);
    }

    /**
     * Registers a TLS socket (its fd); it is also reported readable while it holds decrypted
     * bytes ({@link TlsSocket#pending()}).
     */
    public EventKey register(TlsSocket tls, int interest, Object attachment) throws SocketError {
        return add(tls.socket(), tls, interest, attachment);
    }

    /**
     * Registers {@code channel}'s fd with {@code interest} ({@link #READ}, {@link #WRITE}, both
     * or 0) and an attachment. Registering the same open fd twice is an error
     * ({@code EEXIST}); put the socket in non-blocking mode ({@code setTimeout(0.0)}) to use
     * it from a loop.
     */
    public EventKey register(Selectable channel, int interest, Object attachment) throws SocketError {
        return add(channel, null, interest, attachment);
    }

    private EventKey add(Selectable channel, TlsSocket tls, int interest, Object attachment) throws SocketError {
        ensureOpen();
        checkInterest(interest);
        int fd = channel.fileno();
        EventKey old = fd < byFd.length ? byFd[fd] : null;
        if (old != null) {
            if (old.channel == channel || old.stillOwnsFd()) {
                throw new SocketError(17, NativeLibrary.strerror(17)); // EEXIST, as epoll says
            }
            old.drop(); // its socket was closed and the number reused
        }
        EventKey key = new EventKey(this, channel, tls, fd, attachment);
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        key.index = all.size();
        all.add(key);
        byFd[fd] = key;
        try {
            key.setInterest(interest);
        } catch (SocketError e) {
            key.drop();
            throw e;
        }
        return key;
    }

    static void checkInterest(int interest) {
        if ((interest & ~(READ | WRITE)) != 0) {
            throw new IllegalArgumentException("interest must be a combination of READ and WRITE, got " + interest);
        }
    }

    /** Waits until at least one key is ready, {@link #wakeup()} is called, or the loop closes. */
    public List<EventKey> select() throws SocketError {
        return select(-1);
    }

    /** Returns the keys ready now, without waiting. */
    public List<EventKey> selectNow() throws SocketError {
        return select(0);
    }

    /**
     * Waits up to {@code timeoutMillis} (negative: forever, 0: not at all) for ready keys, and
     * returns them (an empty list after a timeout, a {@link #wakeup()}, or {@link #close()} from
     * another thread). The list and each key's {@link EventKey#readyOps()} are valid until the
     * next {@code select}.
     */
    public List<EventKey> select(long timeoutMillis) throws SocketError {
        ensureOpen();
        long round = ++selectRound;
        ready.clear();
        sweep();
        boolean tlsReady = collectTlsPending(round);
        Double timeout = tlsReady || timeoutMillis == 0 ? Double.valueOf(0.0)
                : timeoutMillis < 0 ? null : Double.valueOf(timeoutMillis / 1000.0);
        List<int[]> events;
        try {
            events = epoll.poll(timeout, Math.max(64, Math.min(all.size() + 1, 4096)));
        } catch (SocketError e) {
            if (closed) {
                ready.clear();
                return readyView;
            }
            throw e;
        }
        for (int[] ev : events) {
            int fd = ev[0];
            if (fd == wakeFd) {
                drainWakeups();
                continue;
            }
            EventKey key = fd < byFd.length ? byFd[fd] : null;
            if (key == null) {
                continue;
            }
            int ops = 0;
            int bits = ev[1];
            if ((bits & (IN | ERR_HUP | SocketConstants.EPOLLRDHUP)) != 0) {
                ops |= READ;
            }
            if ((bits & (OUT | ERR_HUP)) != 0) {
                ops |= WRITE;
            }
            ops &= key.interest;
            if (ops == 0) {
                continue;
            }
            if (!key.stillOwnsFd()) {
                key.drop(); // closed behind our back: never report it
                continue;
            }
            key.markReady(ops, round);
        }
        if (closed) {
            ready.clear();
        }
        // TLS keys reported readable may leave plaintext behind: ask again next time.
        tlsCheck.clear();
        for (EventKey k : ready) {
            if (k.tls != null && (k.readyOps & READ) != 0) {
                tlsCheck.add(k);
            }
        }
        return readyView;
    }

    /** Adds TLS keys holding decrypted bytes to {@link #ready}; true if there were any. */
    private boolean collectTlsPending(long round) {
        boolean any = false;
        for (EventKey k : tlsCheck) {
            if (!k.valid || (k.interest & READ) == 0) {
                continue;
            }
            int pending;
            try {
                pending = k.tls.pending();
            } catch (SocketError e) {
                pending = 0; // closed or freed: the fd check settles it
            }
            if (pending > 0) {
                k.markReady(READ, round);
                any = true;
            }
        }
        return any;
    }

    void addReady(EventKey k) {
        ready.add(k);
    }

    /** Checks a few keys per call for sockets closed without {@link EventKey#cancel()}. */
    private void sweep() {
        int n = Math.min(SWEEP_PER_SELECT, all.size());
        for (int i = 0; i < n && !all.isEmpty(); i++) {
            if (sweepAt >= all.size()) {
                sweepAt = 0;
            }
            EventKey k = all.get(sweepAt);
            if (!k.stillOwnsFd()) {
                k.drop(); // moves the last key into this slot: look at it next
            } else {
                sweepAt++;
            }
        }
    }

    private void drainWakeups() {
        wakePending.set(false);
        try {
            while (wakeRead.recv(wakeBuf, 0, wakeBuf.length, 0) > 0) {
                // drain
            }
        } catch (SocketError e) {
            // EAGAIN: drained
        }
    }

    /**
     * Makes a {@link #select} in progress return at once, or the next one if none is waiting.
     * Any thread; cheap when called repeatedly (one byte per wake-up, not per call).
     */
    public void wakeup() {
        if (closed || !wakePending.compareAndSet(false, true)) {
            return;
        }
        try {
            wakeWrite.send(ONE, 0, 1, 0);
        } catch (SocketError e) {
            // EAGAIN: the pipe already holds wake-ups; EBADF: closing
        }
    }

    /** The registered (valid) keys, a snapshot. */
    public List<EventKey> keys() {
        return new ArrayList<>(all);
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the loop: every key is cancelled (the sockets stay open), a {@link #select} in
     * another thread returns an empty list. Closing again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        epoll.close();
        wakeWrite.close();
        wakeRead.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the event loop is closed");
        }
    }

    boolean isOpen() {
        return !closed;
    }

    // ---- used by EventKey --------------------------------------------------------------

    void epollCtl(EventKey k, int oldInterest, int newInterest) throws SocketError {
        int events = ((newInterest & READ) != 0 ? IN : 0) | ((newInterest & WRITE) != 0 ? OUT : 0);
        if (oldInterest == 0 && newInterest != 0) {
            epoll.register(k.fd, events);
        } else if (oldInterest != 0 && newInterest == 0) {
            // Interest 0 leaves epoll altogether: it would still report errors and hang-ups.
            epoll.unregister(k.fd);
        } else if (newInterest != oldInterest) {
            epoll.modify(k.fd, events);
        }
        if (k.tls != null && (newInterest & READ) != 0 && (oldInterest & READ) == 0 && !tlsCheck.contains(k)) {
            tlsCheck.add(k);
        }
    }

    /** Forgets {@code k}; removes its fd from epoll while the socket still has that fd. */
    void remove(EventKey k, boolean stillOwnsFd) {
        if (stillOwnsFd && k.interest != 0 && !closed) {
            try {
                epoll.unregister(k.fd);
            } catch (SocketError e) {
                // ENOENT/EBADF: already gone
            }
        }
        if (k.fd < byFd.length && byFd[k.fd] == k) {
            byFd[k.fd] = null;
        }
        int i = k.index;
        if (i >= 0 && i < all.size() && all.get(i) == k) {
            EventKey last = all.remove(all.size() - 1);
            if (last != k) {
                all.set(i, last);
                last.index = i;
            }
        }
        k.index = -1;
        tlsCheck.remove(k);
    }
}
