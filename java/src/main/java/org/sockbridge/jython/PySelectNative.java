package org.sockbridge.jython;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.sockbridge.Epoll;
import org.sockbridge.NativeSocket;
import org.sockbridge.Poller;
import org.sockbridge.SocketError;

/**
 * The facade's raw readiness entry points, reached without its per-call wrappers: the public
 * {@link Poller} / {@link org.sockbridge.PollSet} / {@link Epoll} methods take Java lists and
 * return fresh arrays, which is the garbage the Python {@code select} objects must not make.
 * The handles are constants, so the JIT inlines them like direct calls.
 *
 * <p>They point at package-private members ({@code Poller.nPoll}, {@code Epoll.nWait}, the
 * handles of {@link NativeSocket} and {@link Epoll}, {@code Errors.exception}); a public
 * allocation-free entry point in the facade would replace this class.
 */
final class PySelectNative {
    private static final MethodHandle POLL;
    private static final MethodHandle IN_MEMORY;
    private static final MethodHandle SOCKET_HANDLE;
    private static final MethodHandle EPOLL_HANDLE;
    private static final MethodHandle EPOLL_WAIT;
    private static final MethodHandle EXCEPTION;

    static {
        try {
            MethodHandles.Lookup poller = MethodHandles.privateLookupIn(Poller.class, MethodHandles.lookup());
            POLL = poller.findStatic(Poller.class, "nPoll", MethodType.methodType(int.class,
                    int[].class, long[].class, short[].class, short[].class, int.class, long.class));
            IN_MEMORY = poller.findStatic(Poller.class, "inMemory",
                    MethodType.methodType(boolean.class, Object.class));
            MethodHandles.Lookup socket = MethodHandles.privateLookupIn(NativeSocket.class, MethodHandles.lookup());
            SOCKET_HANDLE = socket.findVirtual(NativeSocket.class, "handle", MethodType.methodType(long.class));
            MethodHandles.Lookup epoll = MethodHandles.privateLookupIn(Epoll.class, MethodHandles.lookup());
            EPOLL_HANDLE = epoll.findGetter(Epoll.class, "handle", long.class);
            EPOLL_WAIT = epoll.findStatic(Epoll.class, "nWait", MethodType.methodType(int.class,
                    long.class, int[].class, int[].class, long.class));
            Class<?> errors = Class.forName("org.sockbridge.Errors");
            EXCEPTION = MethodHandles.privateLookupIn(errors, MethodHandles.lookup()).findStatic(errors,
                    "exception", MethodType.methodType(SocketError.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private PySelectNative() {}

    /**
     * One {@code poll(2)} over {@code count} entries (entry i is the socket with handle
     * {@code handles[i]}, or fd {@code fds[i]} when that is 0); results in {@code revents}.
     * The caller keeps the sockets reachable until it returns.
     */
    static int poll(int[] fds, long[] handles, short[] events, short[] revents, int count, long timeoutNanos)
            throws SocketError {
        int r;
        try {
            r = (int) POLL.invokeExact(fds, handles, events, revents, count, timeoutNanos);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return check(r);
    }

    /** True for a Java stream that reads from memory now (a drained child-process pipe). */
    static boolean inMemory(Object ioObject) {
        try {
            return (boolean) IN_MEMORY.invokeExact(ioObject);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The native handle of a socket (what {@link #poll} takes). */
    static long handle(NativeSocket s) {
        try {
            return (long) SOCKET_HANDLE.invokeExact(s);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * One {@code epoll_wait} into {@code fds}/{@code events} (their length is maxevents); the
     * caller keeps {@code ep} reachable until it returns (its Cleaner would release the handle).
     */
    static int epollWait(Epoll ep, int[] fds, int[] events, long timeoutNanos) throws SocketError {
        int r;
        try {
            long h = (long) EPOLL_HANDLE.invokeExact(ep);
            r = (int) EPOLL_WAIT.invokeExact(h, fds, events, timeoutNanos);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return check(r);
    }

    private static int check(int r) throws SocketError {
        if (r >= 0) {
            return r;
        }
        try {
            throw (SocketError) EXCEPTION.invokeExact(r);
        } catch (SocketError | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
