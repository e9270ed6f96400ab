package org.sockbridge;

/**
 * Signals that interrupt blocking calls, as a signal interrupts a blocking system call in C.
 *
 * <p>A JVM takes every signal on its own dispatcher thread, so a thread blocked in a socket call
 * never sees {@code EINTR}. A thread that opts in with {@link #enableCurrentThread()} gets it
 * back: while it is blocked in a wait ({@code accept}, {@code recv}, {@code send}, {@code
 * connect}, {@link Poller}, {@link Epoll}, ...), {@link #deliver(int)} called from any thread
 * (typically a {@code sun.misc.Signal} handler) ends that wait with {@code SocketError(EINTR)};
 * a signal delivered while it is not waiting ends its next wait at once ({@link #handOver}
 * bounds how long a handler leaves it there).
 * The thread then takes the signal numbers with {@link #takePending()} and acts on them (the
 * Jython plug-in runs the Python signal handlers there, as CPython does).
 *
 * <p>Nothing changes for threads that do not opt in; the Jython launcher opts in the main thread
 * only.
 */
public final class Interrupts {
    /** {@code EINTR}: the errno a delivered signal makes a blocked call fail with. */
    public static final int EINTR = 4;

    /** The opted-in threads (copy on write: read on every sendall of the Jython plug-in). */
    private static volatile Thread[] enabled = new Thread[0];

    private Interrupts() {}

    /** Makes the calling thread's blocking waits end with {@code EINTR} on {@link #deliver}. */
    public static void enableCurrentThread() throws SocketError {
        NativeLibrary.load();
        Errors.check(nSetEnabled(true));
        synchronized (Interrupts.class) {
            Thread me = Thread.currentThread();
            for (Thread t : enabled) {
                if (t == me) {
                    return;
                }
            }
            Thread[] more = java.util.Arrays.copyOf(enabled, enabled.length + 1);
            more[enabled.length] = me;
            enabled = more;
        }
    }

    /** Undoes {@link #enableCurrentThread()} for the calling thread. */
    public static void disableCurrentThread() {
        NativeLibrary.load();
        nSetEnabled(false);
        synchronized (Interrupts.class) {
            Thread me = Thread.currentThread();
            enabled = java.util.Arrays.stream(enabled).filter(t -> t != me).toArray(Thread[]::new);
        }
    }

    /** Whether the calling thread opted in (no native call). */
    public static boolean currentThreadEnabled() {
        Thread me = Thread.currentThread();
        for (Thread t : enabled) {
            if (t == me) {
                return true;
            }
        }
        return false;
    }

    /**
     * From any thread: records {@code signum} (1..63) as pending and wakes the opted-in threads'
     * waits, which end with {@code EINTR} (a thread not waiting now ends its next wait at once).
     * False, recording nothing, for a bad number or when no thread ever opted in.
     */
    public static boolean deliver(int signum) {
        NativeLibrary.load();
        return nDeliver(signum);
    }

    /**
     * {@link #deliver} and wait up to {@code graceMillis} for an opted-in thread to take the
     * signal; if none did, takes it back. Returns whether a thread took it (when false, the
     * caller should act on the signal itself, e.g. with the JVM's previous handler).
     */
    public static boolean handOver(int signum, long graceMillis) {
        if (!deliver(signum)) {
            return false;
        }
        long deadline = System.nanoTime() + graceMillis * 1_000_000L;
        while (nIsPending(signum) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return !nRetract(signum);
    }

    /** Takes and clears the pending signals: bit {@code n} set for signal {@code n}. */
    public static long takePending() {
        NativeLibrary.load();
        return nTakePending();
    }

    private static native int nSetEnabled(boolean on);

    private static native boolean nDeliver(int signum);

    private static native long nTakePending();

    private static native boolean nIsPending(int signum);

    private static native boolean nRetract(int signum);
}
