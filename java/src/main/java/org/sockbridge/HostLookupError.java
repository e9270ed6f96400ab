package org.sockbridge;

/**
 * A failed {@code gethostbyaddr}-style lookup: CPython's {@code socket.herror(h_errno, msg)},
 * e.g. 1 "Unknown host".
 */
public class HostLookupError extends SocketError {
    private static final long serialVersionUID = 1L;

    /** Creates the error for {@code h_errno} with its message. */
    public HostLookupError(int code, String message) {
        super(code, message);
    }
}
