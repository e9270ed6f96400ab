package org.sockbridge;

/**
 * A TLS failure: CPython's {@code ssl.SSLError} family. {@link #reason()} names the kind
 * (CPython's reason code, e.g. {@code CERTIFICATE_VERIFY_FAILED}); for certificate failures
 * {@link #verifyCode()} is OpenSSL's verify code (10 = expired, 9 = not yet valid,
 * 20 = unknown issuer, 62 = hostname mismatch, ...).
 */
public class TlsError extends SocketError {
    private static final long serialVersionUID = 1L;

    /** The kinds, in the order the native layer numbers them. */
    public enum Reason {
        /** Non-blocking: wait for readability and retry. */
        WANT_READ,
        /** Non-blocking: wait for writability and retry. */
        WANT_WRITE,
        /** The peer closed the session cleanly. */
        ZERO_RETURN,
        /** The transport closed without close_notify. */
        UNEXPECTED_EOF_WHILE_READING,
        /** The peer's certificate was refused. */
        CERTIFICATE_VERIFY_FAILED,
        /** Another handshake or record-layer failure. */
        PROTOCOL_ERROR,
        /** The policy could not be used (bad PEM, key mismatch, no trust anchors, ...). */
        BAD_CONFIGURATION,
        /** A write retried with fewer bytes than the unfinished one already took. */
        BAD_LENGTH
    }

    private final Reason reason;
    private final int verifyCode;

    /** Constructor used by native code. */
    public TlsError(int reasonCode, String message, int verifyCode) {
        this(Reason.values()[reasonCode], message, verifyCode);
    }

    TlsError(Reason reason, String message, int verifyCode) {
        super(0, "[SSL: " + reason + "] " + message, reason != Reason.WANT_READ && reason != Reason.WANT_WRITE);
        this.reason = reason;
        this.verifyCode = verifyCode;
    }

    /** The kind of failure. */
    public Reason reason() {
        return reason;
    }

    /** OpenSSL's verify code for certificate failures, else 0. */
    public int verifyCode() {
        return verifyCode;
    }
}
