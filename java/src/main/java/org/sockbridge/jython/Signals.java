package org.sockbridge.jython;

import org.sockbridge.Interrupts;
import org.sockbridge.SocketError;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C and signals for a Jython program on the plug-in, the CPython way: a signal that
 * arrives while the main thread is blocked in a socket call ({@code accept}, {@code recv},
 * {@code select}, {@code poll}, {@code epoll}, ...) interrupts that call, and the Python handler
 * runs on the main thread, so SIGINT raises {@code KeyboardInterrupt} from the blocked call and
 * the program's {@code finally} blocks run.
 *
 * <p>{@link #installForMainThread()} (called by the launcher, or by an embedding program that
 * wants this) opts the calling thread in to {@link Interrupts} and puts a SIGINT handler in
 * front of the JVM's: the handler hands the signal to the thread, which takes it in its current
 * or next blocking wait; if it does not within {@link #GRACE_MILLIS} (it is computing, not
 * doing socket I/O), the JVM's previous action runs (it exits with status 130, as stock Jython
 * does).
 * Handlers a program installs with {@code signal.signal} go through the plug-in's {@code
 * signal} module, which does the same.
 */
public final class Signals {
    /**
     * How long a signal waits for the main thread to reach a blocking socket call before the
     * previous action runs (for SIGINT: the JVM exits) or, for a Python handler, it runs on the
     * signal thread as in stock Jython.
     */
    public static final long GRACE_MILLIS = 500;
    private static volatile SignalHandler previousInt;

    private Signals() {}

    /** Makes the calling thread's blocking socket calls interruptible by SIGINT (idempotent). */
    public static synchronized void installForMainThread() throws SocketError {
        Interrupts.enableCurrentThread();
        if (previousInt == null) {
            previousInt = Signal.handle(new Signal("INT"), new InterruptHandler());
        }
    }

    /** Whether {@code handler} is the plug-in's SIGINT handler (Python's default_int_handler). */
    public static boolean isDefaultInterruptHandler(Object handler) {
        return handler instanceof InterruptHandler;
    }

    /** SIGINT: to the blocked main thread if it is waiting, else the JVM's previous action. */
    static final class InterruptHandler implements SignalHandler {
        @Override
        public void handle(Signal sig) {
            if (Interrupts.handOver(sig.getNumber(), GRACE_MILLIS)) {
                return;
            }
            SignalHandler previous = previousInt;
            if (previous == SignalHandler.SIG_IGN) {
                return;
            }
            if (previous == null || previous == SignalHandler.SIG_DFL) {
                System.exit(128 + sig.getNumber());
            }
            previous.handle(sig);
        }
    }
}
