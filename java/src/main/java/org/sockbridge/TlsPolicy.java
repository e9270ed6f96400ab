package org.sockbridge;

import java.io.ByteArrayOutputStream;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificate policy, the same for Java and Python callers: verify mode, trust sources,
 * hostname check, our identity, SHA-256 pins, ALPN and protocol versions. Secure by default:
 * {@link #secureDefaults()} verifies the chain against the system store and checks the hostname;
 * accepting anything exists only as {@link #insecureAcceptAnyCertificate()}.
 *
 * <p>Builder methods change this policy and return it; a {@link TlsContext} takes a snapshot.
 * Bad input (unreadable CA file, garbage PEM, a key that does not match its certificate) fails
 * at once with {@link TlsError} ({@code BAD_CONFIGURATION}).
 */
public final class TlsPolicy {
    private static final Cleaner CLEANER = Cleaner.create();

    static {
        NativeLibrary.load();
    }

    /** How much the peer is checked. */
    public enum Verify {
        /** Nothing (client) / no client certificate asked for (server). */
        NONE,
        /** Client: as REQUIRED. Server: a client certificate is verified when one is sent. */
        OPTIONAL,
        /** The peer must present a certificate that verifies. */
        REQUIRED
    }

    /** TLS 1.2. */
    public static final int TLS1_2 = 0x0303;
    /** TLS 1.3. */
    public static final int TLS1_3 = 0x0304;

    private final long handle;

    private TlsPolicy(long handle) throws SocketError {
        this.handle = Errors.check(handle);
        final long h = this.handle;
        CLEANER.register(this, () -> nFree(h));
    }

    /** Verify the chain against the system store and check the hostname. */
    public static TlsPolicy secureDefaults() {
        try {
            return new TlsPolicy(nNew(true));
        } catch (SocketError e) {
            throw new IllegalStateException(e);
        }
    }

    /** Accept any certificate from any host. For tests and pinned set-ups only. */
    public static TlsPolicy insecureAcceptAnyCertificate() {
        try {
            return new TlsPolicy(nNew(false));
        } catch (SocketError e) {
            throw new IllegalStateException(e);
        }
    }

    /** An independent copy. */
    public TlsPolicy copy() throws SocketError {
        try {
            return new TlsPolicy(nCopy(handle));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    long handle() {
        return handle;
    }

    /** Sets the verify mode. */
    public TlsPolicy verify(Verify mode) throws SocketError {
        try {
            nSetVerify(handle, mode.ordinal());
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Turns the hostname check on or off. */
    public TlsPolicy checkHostname(boolean on) throws SocketError {
        try {
            nSetCheckHostname(handle, on);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Removes every trust source (including the system store of the defaults). */
    public TlsPolicy clearTrust() throws SocketError {
        try {
            nClearTrust(handle);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Trusts the operating system's CA store. */
    public TlsPolicy trustSystemStore() throws SocketError {
        try {
            nAddTrust(handle, 0, null, null);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Trusts the CA certificates in a PEM file. */
    public TlsPolicy trustCaFile(String path) throws SocketError {
        try {
            nAddTrust(handle, 1, path, null);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Trusts the CA certificates in a directory of PEM files. */
    public TlsPolicy trustCaDirectory(String path) throws SocketError {
        try {
            nAddTrust(handle, 2, path, null);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Trusts CA certificates given in memory (PEM, or one DER certificate); at most 16 MiB
     * ({@link IllegalArgumentException} beyond, refused before it is copied).
     */
    public TlsPolicy trustCaData(byte[] pemOrDer) throws SocketError {
        try {
            nAddTrust(handle, 3, null, pemOrDer);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Our certificate chain and private key (PEM; PKCS#8, PKCS#1 or SEC1 keys). */
    public TlsPolicy identity(byte[] chainPem, byte[] keyPem) throws SocketError {
        try {
            nSetIdentity(handle, chainPem, keyPem);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Accept the peer only if its certificate's (or, with {@code spki}, its public key's) SHA-256 is one of the pins. */
    public TlsPolicy pinSha256(byte[] digest, boolean spki) throws SocketError {
        try {
            nAddPin(handle, digest, spki);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** With pins: a pinned certificate is accepted without chain validation. */
    public TlsPolicy pinsReplaceChainValidation(boolean on) throws SocketError {
        try {
            nSetPinsReplaceChain(handle, on);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * OpenSSL's rule for a client that trusts no CA: the configuration is accepted and every
     * server certificate then fails verification at the handshake (unknown issuer). Off by
     * default: an empty trust store is refused when the context is built.
     */
    public TlsPolicy emptyTrustRejects(boolean on) throws SocketError {
        try {
            nSetEmptyTrustRejects(handle, on);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** ALPN protocols, in preference order. */
    public TlsPolicy alpn(List<String> protocols) throws SocketError {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String p : protocols) {
                byte[] b = p.getBytes(StandardCharsets.US_ASCII);
                if (b.length == 0 || b.length > 255) {
                    throw new IllegalArgumentException("an ALPN protocol has 1 to 255 bytes: " + p);
                }
                out.write(b.length);
                out.write(b, 0, b.length);
            }
            nSetAlpn(handle, out.toByteArray());
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Lowest and highest protocol version ({@link #TLS1_2}, {@link #TLS1_3}; 0 = no limit). */
    public TlsPolicy versions(int min, int max) throws SocketError {
        try {
            nSetVersions(handle, min, max);
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Restricts the cipher suites to these OpenSSL names (e.g. {@code ECDHE-RSA-AES128-GCM-SHA256},
     * {@code TLS_AES_256_GCM_SHA384}); an empty list allows all. A context built from a list that
     * names no supported suite fails with "No cipher can be selected."
     */
    public TlsPolicy ciphers(List<String> openSslNames) throws SocketError {
        try {
            nSetCiphers(handle, String.join(":", openSslNames));
            return this;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** The OpenSSL names of every cipher suite available. */
    public static List<String> supportedCiphers() {
        return java.util.Arrays.asList(nSupportedCiphers().split(":"));
    }

    /** The trusted CA certificates, DER. */
    public List<byte[]> caCertificates() throws SocketError {
        try {
            List<byte[]> out = new ArrayList<>();
            for (byte[] der : nCaCertificates(handle)) {
                out.add(der);
            }
            return out;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private static native long nNew(boolean secure);

    private static native long nCopy(long h);

    private static native void nFree(long h);

    private static native int nSetVerify(long h, int mode) throws SocketError;

    private static native int nSetCheckHostname(long h, boolean on) throws SocketError;

    private static native int nAddTrust(long h, int kind, String path, byte[] data) throws SocketError;

    private static native int nClearTrust(long h) throws SocketError;

    private static native int nSetIdentity(long h, byte[] chain, byte[] key) throws SocketError;

    private static native int nAddPin(long h, byte[] digest, boolean spki) throws SocketError;

    private static native int nSetPinsReplaceChain(long h, boolean on) throws SocketError;

    private static native int nSetEmptyTrustRejects(long h, boolean on) throws SocketError;

    private static native int nSetAlpn(long h, byte[] protocols) throws SocketError;

    private static native int nSetVersions(long h, int min, int max) throws SocketError;

    private static native byte[][] nCaCertificates(long h) throws SocketError;

    private static native int nSetCiphers(long h, String names) throws SocketError;

    private static native String nSupportedCiphers();
}
