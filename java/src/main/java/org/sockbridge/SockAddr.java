package org.sockbridge;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A socket address (IPv4, IPv6 with flowinfo and scope id, or {@code AF_UNIX} path / abstract
 * name), immutable, held in the compact byte form that crosses JNI (see {@code src/core/addr.rs}).
 * Numeric hosts only: names are resolved with {@link Resolver#getaddrinfo}.
 */
public final class SockAddr {
    /** Bytes a native call may write for one address: a 2-byte length plus the encoding. */
    static final int OUT_BUFFER = 2 + 2 + 108;

    private final byte[] encoded;

    SockAddr(byte[] encoded) {
        this.encoded = encoded;
    }

    /** An IPv4 address from a numeric host such as {@code "127.0.0.1"} ("" means 0.0.0.0). */
    public static SockAddr inet(String host, int port) throws SocketError {
        byte[] ip = host.isEmpty() ? new byte[4] : Resolver.inetPton(SocketConstants.AF_INET, host);
        return inet(ip, port);
    }

    /** An IPv4 address from its 4 bytes. */
    public static SockAddr inet(byte[] ip, int port) {
        if (ip.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes");
        }
        checkPort(port);
        ByteBuffer b = ByteBuffer.allocate(8);
        b.putShort((short) SocketConstants.AF_INET).putShort((short) port).put(ip);
        return new SockAddr(b.array());
    }

    /** An IPv6 address from a numeric host such as {@code "::1"}. */
    public static SockAddr inet6(String host, int port, int flowinfo, int scopeId) throws SocketError {
        byte[] ip = host.isEmpty() ? new byte[16] : Resolver.inetPton(SocketConstants.AF_INET6, host);
        return inet6(ip, port, flowinfo, scopeId);
    }

    /** An IPv6 address from its 16 bytes. */
    public static SockAddr inet6(byte[] ip, int port, int flowinfo, int scopeId) {
        if (ip.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes");
        }
        checkPort(port);
        if ((flowinfo & 0xfff00000) != 0) {
            throw new IllegalArgumentException("flowinfo must be 0-1048575.");
        }
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) SocketConstants.AF_INET6).putShort((short) port);
        b.putInt(flowinfo).putInt(scopeId).put(ip);
        return new SockAddr(b.array());
    }

    /** An {@code AF_UNIX} address from a path (a leading NUL char makes an abstract name). */
    public static SockAddr unix(String path) {
        return unix(path.getBytes(StandardCharsets.UTF_8));
    }

    /** An {@code AF_UNIX} address from raw path bytes (leading 0 byte: abstract name). */
    public static SockAddr unix(byte[] path) {
        if (path.length > 108) {
            throw new IllegalArgumentException("AF_UNIX path too long");
        }
        ByteBuffer b = ByteBuffer.allocate(2 + path.length);
        b.putShort((short) SocketConstants.AF_UNIX).put(path);
        return new SockAddr(b.array());
    }

    /** The address of a {@link InetSocketAddress} (which must already be resolved). */
    public static SockAddr of(InetSocketAddress a) {
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + a);
        }
        byte[] ip = a.getAddress().getAddress();
        if (ip.length == 4) {
            return inet(ip, a.getPort());
        }
        int scope = ((java.net.Inet6Address) a.getAddress()).getScopeId();
        return inet6(ip, a.getPort(), 0, scope);
    }

    /** Decodes what a native call wrote as {@code [len:u16][encoding]}; null when len is 0. */
    static SockAddr fromOut(byte[] out) {
        int len = ((out[0] & 0xff) << 8) | (out[1] & 0xff);
        return len == 0 ? null : new SockAddr(Arrays.copyOfRange(out, 2, 2 + len));
    }

    byte[] encoded() {
        return encoded;
    }

    /** The address family ({@code AF_INET}, {@code AF_INET6}, {@code AF_UNIX}, ...). */
    public int family() {
        return ((encoded[0] & 0xff) << 8) | (encoded[1] & 0xff);
    }

    /** The port (IP families), else 0. */
    public int port() {
        if (family() == SocketConstants.AF_INET || family() == SocketConstants.AF_INET6) {
            return ((encoded[2] & 0xff) << 8) | (encoded[3] & 0xff);
        }
        return 0;
    }

    /** IPv6 flowinfo, else 0. */
    public int flowinfo() {
        return family() == SocketConstants.AF_INET6 ? ByteBuffer.wrap(encoded, 4, 4).getInt() : 0;
    }

    /** IPv6 scope id, else 0. */
    public int scopeId() {
        return family() == SocketConstants.AF_INET6 ? ByteBuffer.wrap(encoded, 8, 4).getInt() : 0;
    }

    /** The raw address bytes (4 or 16), or the {@code AF_UNIX} path bytes. */
    public byte[] addressBytes() {
        switch (family()) {
            case SocketConstants.AF_INET:
                return Arrays.copyOfRange(encoded, 4, 8);
            case SocketConstants.AF_INET6:
                return Arrays.copyOfRange(encoded, 12, 28);
            default:
                return Arrays.copyOfRange(encoded, 2, encoded.length);
        }
    }

    /** The numeric host text, as CPython shows it ({@code "127.0.0.1"}, {@code "::1"}), or the unix path. */
    public String host() {
        int f = family();
        if (f == SocketConstants.AF_INET) {
            // Formatted here: recvfrom/accept on the hot path need no extra native call.
            return (encoded[4] & 0xff) + "." + (encoded[5] & 0xff) + "." + (encoded[6] & 0xff) + "." + (encoded[7] & 0xff);
        }
        if (f == SocketConstants.AF_INET6) {
            return Resolver.inetNtop(f, addressBytes());
        }
        return new String(addressBytes(), StandardCharsets.UTF_8);
    }

    /** This address as a {@link InetSocketAddress} (IP families only). */
    public InetSocketAddress toInetSocketAddress() {
        try {
            InetAddress ip = family() == SocketConstants.AF_INET6
                    ? java.net.Inet6Address.getByAddress(null, addressBytes(), scopeId())
                    : InetAddress.getByAddress(addressBytes());
            return new InetSocketAddress(ip, port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not an IP address: " + this, e);
        }
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port must be 0-65535.");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SockAddr && Arrays.equals(encoded, ((SockAddr) o).encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    /** CPython's tuple shape: {@code ('127.0.0.1', 80)}, {@code ('::1', 80, 0, 0)}, or the path. */
    @Override
    public String toString() {
        switch (family()) {
            case SocketConstants.AF_INET:
                return "('" + host() + "', " + port() + ")";
            case SocketConstants.AF_INET6:
                return "('" + host() + "', " + port() + ", " + flowinfo() + ", " + scopeId() + ")";
            default:
                return "'" + host() + "'";
        }
    }
}
