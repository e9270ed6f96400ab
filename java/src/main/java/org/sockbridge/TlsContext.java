package org.sockbridge;

import java.lang.ref.Cleaner;

/**
 * A TLS configuration built once from a {@link TlsPolicy} (a snapshot: later changes to the
 * policy do not affect it) and shared by every session made with it.
 */
public final class TlsContext {
    private static final Cleaner CLEANER = Cleaner.create();

    static {
        NativeLibrary.load();
    }

    private final long handle;
    private final boolean server;

    private TlsContext(TlsPolicy policy, boolean server) throws SocketError {
        this.handle = Errors.check(nCreate(policy.handle(), server));
        this.server = server;
        final long h = handle;
        CLEANER.register(this, () -> nFree(h));
    }

    /** A client context. */
    public static TlsContext client(TlsPolicy policy) throws SocketError {
        return new TlsContext(policy, false);
    }

    /** A server context (the policy must carry an identity). */
    public static TlsContext server(TlsPolicy policy) throws SocketError {
        return new TlsContext(policy, true);
    }

    /** True for a server context. */
    public boolean isServer() {
        return server;
    }

    /**
     * Starts a client session on a connected socket. {@code serverName} is sent as SNI (when it
     * is a DNS name) and checked against the certificate as the policy says.
     */
    public TlsSocket wrap(NativeSocket socket, String serverName) throws SocketError {
        if (server) {
            throw new IllegalStateException("a server context cannot start a client session");
        }
        if (serverName == null || serverName.isEmpty()) {
            throw new IllegalArgumentException("a client session needs a server name (or address)");
        }
        return new TlsSocket(Errors.check(TlsSocket.nWrap(handle, socket.handle(), serverName)), socket);
    }

    /** Starts a server session on an accepted socket. */
    public TlsSocket accept(NativeSocket socket) throws SocketError {
        if (!server) {
            throw new IllegalStateException("a client context cannot start a server session");
        }
        return new TlsSocket(Errors.check(TlsSocket.nWrap(handle, socket.handle(), null)), socket);
    }

    private static native long nCreate(long policy, boolean server) throws SocketError;

    private static native void nFree(long h);
}
