package org.sockbridge.jython;

import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.core.PyUnicode;
import org.sockbridge.SocketError;
import org.sockbridge.TlsSocket;

/**
 * The data path of the Jython {@code ssl} module ({@code _SSLObject.write}): one Java call per
 * Python write, whatever its size.
 */
public final class PySsl {
    /** Bytes of a str turned into bytes at a time (the TLS layer's own step, {@code WRITE_CHUNK}). */
    private static final int WINDOW = 64 * 1024;

    private static final ThreadLocal<byte[]> WINDOW_BUFFER = ThreadLocal.withInitial(() -> new byte[WINDOW]);

    private PySsl() {}

    /**
     * {@code SSLSocket.write(data)} / {@code SSL_write}: encrypts and sends all of {@code data}
     * (all or nothing, as {@link TlsSocket#write}). A {@code str} is turned into bytes one 64 KiB
     * window at a time in a per-thread array, so a large write allocates nothing and never holds
     * a copy of more than one window (the retry of an unfinished non-blocking write resumes at the
     * window where it stopped); other buffer types go through {@link PyBridge#bytesOf}.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a str's chars are its bytes
    public static int write(TlsSocket t, PyObject data) throws SocketError {
        if (!(data instanceof PyString) || data instanceof PyUnicode) {
            byte[] b = PyBridge.bytesOf(data);
            return t.write(b, 0, b.length);
        }
        String s = ((PyString) data).getString();
        int total = s.length();
        byte[] w = WINDOW_BUFFER.get();
        int pos = 0;
        while (true) {
            int n = Math.min(WINDOW, total - pos);
            s.getBytes(pos, pos + n, w, 0);
            int r = t.writeWindow(w, 0, n, pos, total);
            if (r == total) {
                return total;
            }
            if (r == pos || r < 0 || r > total) {
                throw new IllegalStateException("the TLS write asked for bytes at " + r + " again");
            }
            pos = r;
        }
    }
}
