package org.sockbridge;

import java.lang.ref.Reference;
import java.util.Objects;

/**
 * Sends the bytes of a {@code java.lang.String} whose chars are bytes (a Jython {@code str})
 * with no copy between the String and the kernel: the String's own array is lent to the system
 * call (native in {@code src/jni/py_string.rs}). Where this JVM's String cannot be used this way
 * (no compact strings, a String of other chars) {@link #send} says so and the caller copies.
 */
public final class PyStringIo {
    /** The natives' answer when the String cannot be used directly. */
    private static final int UNSUPPORTED = -1_000_100;

    static {
        NativeLibrary.load();
    }

    private PyStringIo() {}

    /**
     * {@code send(data[off:off+len], flags)} (or {@code sendall}, {@code all}) from the String's
     * own bytes: the count sent (all of it for {@code all}), or -1 when the String cannot be sent
     * this way (the caller sends a copy). Waits per the socket's mode, as {@link
     * NativeSocket#send(byte[], int, int, int)} does.
     */
    public static int send(NativeSocket s, String data, int off, int len, int flags, boolean all) throws SocketError {
        Objects.requireNonNull(data, "data");
        if (off < 0 || len < 0 || off > data.length() - len) {
            throw new IndexOutOfBoundsException("offset " + off + ", length " + len + " for " + data.length());
        }
        try {
            int r = nSend(s.handle(), data, off, len, flags, all);
            if (r == UNSUPPORTED) {
                return -1; // this String (not LATIN1), or this JVM's Strings
            }
            return Errors.check(r);
        } finally {
            Reference.reachabilityFence(s);
        }
    }

    static native int nSend(long h, String data, int off, int len, int flags, boolean all);
}
