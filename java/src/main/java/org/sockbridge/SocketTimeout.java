package org.sockbridge;

/** The socket's timeout elapsed: CPython's {@code socket.timeout('timed out')}. */
public class SocketTimeout extends SocketError {
    private static final long serialVersionUID = 1L;

    /** Creates the timeout error ("timed out"). */
    public SocketTimeout() {
        super(0, "timed out", false);
    }

    /** Constructor used by native code; the arguments are ignored. */
    public SocketTimeout(int ignored, String alsoIgnored) {
        this();
    }
}
