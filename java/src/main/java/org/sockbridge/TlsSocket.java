package org.sockbridge;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TLS session over a {@link NativeSocket}, in the socket's mode: blocking, timeout
 * ({@link SocketTimeout}), or non-blocking ({@link TlsError} with reason {@code WANT_READ} /
 * {@code WANT_WRITE}: wait with {@link Poller} and call again; a write is retried with the same
 * bytes). One JNI call per operation.
 * The session does not own the socket: closing the socket ends the session ({@code EBADF}).
 */
public final class TlsSocket implements Closeable {
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    private final long handle;
    private final NativeSocket socket;
    private final java.lang.ref.Cleaner.Cleanable cleanable;

    TlsSocket(long handle, NativeSocket socket) {
        this.handle = handle;
        this.socket = socket;
        final long h = handle;
        this.cleanable = CLEANER.register(this, () -> nFree(h));
    }

    /** The socket underneath. */
    public NativeSocket socket() {
        return socket;
    }

    /** Runs the handshake to completion ({@code do_handshake}). */
    public void handshake() throws SocketError {
        Errors.check(nHandshake(handle));
    }

    /** Reads decrypted bytes; 0 after the peer's close_notify. */
    public int read(byte[] buf, int off, int len) throws SocketError {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("offset " + off + ", length " + len + ", buffer " + buf.length);
        }
        return Errors.check(nRead(handle, buf, off, len));
    }

    /**
     * Encrypts and sends all {@code len} bytes and returns {@code len} once every record has
     * reached the kernel (OpenSSL's {@code SSL_write} without partial writes). When the socket
     * fills up, non-blocking mode throws {@link TlsError} {@code WANT_WRITE} and timeout mode
     * {@link SocketTimeout}, having taken part of the bytes: call again with the same bytes
     * (the array may differ, {@code len} may not be smaller: {@code BAD_LENGTH}) to go on.
     * The array is read in place, 64 KiB at a time, never copied into native memory.
     */
    public int write(byte[] buf, int off, int len) throws SocketError {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("offset " + off + ", length " + len + ", buffer " + buf.length);
        }
        return Errors.check(nWrite(handle, buf, off, len));
    }

    /**
     * One window of a write whose bytes the caller produces a window at a time (e.g. from a
     * {@code String}), so a large write never needs all of its bytes in one array: {@code
     * buf[off, off + len)} holds bytes {@code [pos, pos + len)} of a {@code total}-byte write.
     * Returns {@code total} once every record has reached the kernel (as {@link #write}); any
     * smaller value is the offset the next window must start at (call again with that window).
     * Start each write (and each retry after {@code WANT_WRITE} or a timeout, as with {@link
     * #write}) at position 0: an unfinished write asks for the window where it stopped.
     */
    public int writeWindow(byte[] buf, int off, int len, int pos, int total) throws SocketError {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("offset " + off + ", length " + len + ", buffer " + buf.length);
        }
        if (pos < 0 || total < pos) {
            throw new IllegalArgumentException("window at " + pos + " of a " + total + "-byte write");
        }
        return Errors.check(nWriteWindow(handle, buf, off, len, pos, total));
    }

    /** Writes all of {@code buf}. */
    public void writeAll(byte[] buf) throws SocketError {
        int done = 0;
        while (done < buf.length) {
            done += write(buf, done, buf.length - done);
        }
    }

    /** Decrypted bytes waiting to be read. */
    public int pending() throws SocketError {
        return Errors.check(nPending(handle));
    }

    /** Sends close_notify. */
    public void closeNotify() throws SocketError {
        Errors.check(nCloseNotify(handle));
    }

    /**
     * Ends TLS as OpenSSL's {@code SSL_shutdown} does for CPython's {@code unwrap()}: sends
     * close_notify, then reads until the peer's close_notify, one record at a time, so bytes
     * the peer sends in the clear afterwards stay in the socket. Non-blocking mode fails with
     * want-read / want-write; call again.
     */
    public void shutdown() throws SocketError {
        Errors.check(nShutdown(handle));
    }

    /** Ends TLS (sends close_notify) and returns the plain socket, still open. */
    public NativeSocket unwrap() throws SocketError {
        closeNotify();
        free();
        return socket;
    }

    /** Frees the session and closes the socket. */
    @Override
    public void close() {
        free();
        socket.close();
    }

    /** Frees the native session once (also done by a Cleaner if the object is dropped). */
    private void free() {
        cleanable.clean();
    }

    private String[] info() throws SocketError {
        return nSessionInfo(handle);
    }

    /** {@code "TLSv1.2"} or {@code "TLSv1.3"}; null before the handshake. */
    public String version() throws SocketError {
        String v = info()[0];
        return v.isEmpty() ? null : v;
    }

    /** The OpenSSL name of the cipher suite (e.g. {@code TLS_AES_256_GCM_SHA384}); null before the handshake. */
    public String cipherName() throws SocketError {
        String c = info()[1];
        return c.isEmpty() ? null : c;
    }

    /** Secret bits of the cipher suite. */
    public int cipherBits() throws SocketError {
        return Integer.parseInt(info()[3]);
    }

    /** The ALPN protocol agreed on, or null. */
    public String alpnProtocol() throws SocketError {
        String a = info()[4];
        return a.isEmpty() ? null : a;
    }

    /** The peer's chain, DER, end-entity first (empty when the peer sent none). */
    public List<byte[]> peerCertificatesDer() throws SocketError {
        List<byte[]> out = new ArrayList<>();
        for (byte[] der : nPeerCertificates(handle)) {
            out.add(der);
        }
        return out;
    }

    /** The peer's chain as {@link X509Certificate}s. */
    public List<X509Certificate> peerCertificates() throws SocketError {
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (byte[] der : peerCertificatesDer()) {
                out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK cannot read a certificate rustls accepted", e);
        }
    }

    /** A certificate's fields in CPython's {@code getpeercert()} shape. */
    public static final class CertInfo {
        /** RDNs of the subject: each a list of {attribute, value}. */
        public final List<List<String[]>> subject = new ArrayList<>();
        /** RDNs of the issuer. */
        public final List<List<String[]>> issuer = new ArrayList<>();
        /** version, serialNumber, notBefore, notAfter. */
        public final Map<String, String> fields = new LinkedHashMap<>();
        /** subjectAltName entries: {type, value}. */
        public final List<String[]> subjectAltName = new ArrayList<>();
        /** URIs from authorityInfoAccess / cRLDistributionPoints: {OCSP|caIssuers|crlDistributionPoints, uri}. */
        public final List<String[]> uris = new ArrayList<>();
    }

    /** Decodes a DER certificate; {@link TlsError} if it is not one. */
    public static CertInfo decodeCertificate(byte[] der) throws SocketError {
        CertInfo info = new CertInfo();
        for (String line : nDecodeCertificate(der).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            for (int i = 0; i < f.length; i++) {
                f[i] = f[i].replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
            }
            switch (f[0]) {
                case "subject":
                case "issuer":
                    List<List<String[]>> rdns = f[0].equals("subject") ? info.subject : info.issuer;
                    int idx = Integer.parseInt(f[1]);
                    while (rdns.size() <= idx) {
                        rdns.add(new ArrayList<>());
                    }
                    rdns.get(idx).add(new String[] {f[2], f[3]});
                    break;
                case "san":
                    info.subjectAltName.add(new String[] {f[1], f[2]});
                    break;
                case "uri":
                    info.uris.add(new String[] {f[1], f[2]});
                    break;
                default:
                    info.fields.put(f[0], f[1]);
            }
        }
        return info;
    }

    /**
     * Server side, before {@link TlsContext#accept}: waits (in the socket's mode) for the
     * client's ClientHello and returns {@code [serverName or null, alpn protocols...]} without
     * consuming it, so a server can choose its context by name (CPython's SNI callback).
     */
    public static String[] peekClientHello(NativeSocket socket) throws SocketError {
        String[] r = nPeekClientHello(socket.handle());
        if (r == null) {
            throw new IllegalStateException("no result");
        }
        if ("\0".equals(r[0])) {
            r[0] = null;
        }
        return r;
    }

    private static native String[] nPeekClientHello(long socket) throws SocketError;

    /** Server side, before the session: refuses the client with one fatal alert (0..255). */
    public static void sendFatalAlert(NativeSocket socket, int description) throws SocketError {
        Errors.check(nSendFatalAlert(socket.handle(), description));
    }

    private static native int nSendFatalAlert(long socket, int description);

    static native long nWrap(long context, long socket, String serverName) throws SocketError;

    private static native void nFree(long h);

    private static native int nHandshake(long h);

    private static native int nRead(long h, byte[] buf, int off, int len);

    private static native int nWrite(long h, byte[] buf, int off, int len);

    private static native int nWriteWindow(long h, byte[] buf, int off, int len, int pos, int total);

    private static native int nPending(long h);

    private static native int nCloseNotify(long h);

    private static native int nShutdown(long h);

    private static native String[] nSessionInfo(long h) throws SocketError;

    private static native byte[][] nPeerCertificates(long h) throws SocketError;

    private static native String nDecodeCertificate(byte[] der) throws SocketError;
}
