package org.sockbridge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Name resolution through the system resolver ({@code getaddrinfo(3)} and friends), with
 * CPython's errors: {@link AddressLookupError} (gaierror) and {@link HostLookupError} (herror).
 */
public final class Resolver {
    static {
        NativeLibrary.load();
    }

    private Resolver() {}

    /** One {@code getaddrinfo} result: {@code (family, type, proto, canonname, sockaddr)}. */
    public static final class AddrInfo {
        /** {@code ai_family}. */
        public final int family;
        /** {@code ai_socktype}. */
        public final int type;
        /** {@code ai_protocol}. */
        public final int proto;
        /** {@code ai_canonname}, "" unless requested with {@code AI_CANONNAME}. */
        public final String canonName;
        /** {@code ai_addr}. */
        public final SockAddr address;

        AddrInfo(int family, int type, int proto, String canonName, SockAddr address) {
            this.family = family;
            this.type = type;
            this.proto = proto;
            this.canonName = canonName;
            this.address = address;
        }

        @Override
        public String toString() {
            return "(" + family + ", " + type + ", " + proto + ", '" + canonName + "', " + address + ")";
        }
    }

    /** A host entry: {@code (hostname, aliaslist, ipaddrlist)}. */
    public static final class HostEntry {
        /** The official name. */
        public final String name;
        /** Other names. */
        public final List<String> aliases;
        /** Addresses as numeric text. */
        public final List<String> addresses;

        HostEntry(String[] packed) {
            int aliasCount = Integer.parseInt(packed[1]);
            this.name = packed[0];
            this.aliases = Collections.unmodifiableList(Arrays.asList(packed).subList(2, 2 + aliasCount));
            this.addresses = Collections.unmodifiableList(Arrays.asList(packed).subList(2 + aliasCount, packed.length));
        }
    }

    /**
     * {@code getaddrinfo(host, port, family, type, proto, flags)}; {@code host} or {@code port}
     * may be null (not both).
     */
    public static List<AddrInfo> getaddrinfo(String host, String port, int family, int type, int proto, int flags)
            throws SocketError {
        byte[] packed = nGetAddrInfo(host, port, family, type, proto, flags);
        ByteBuffer b = ByteBuffer.wrap(packed);
        List<AddrInfo> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int f = b.getInt();
            int t = b.getInt();
            int p = b.getInt();
            byte[] canon = new byte[b.getInt()];
            b.get(canon);
            byte[] addr = new byte[b.getInt()];
            b.get(addr);
            out.add(new AddrInfo(f, t, p, new String(canon, StandardCharsets.UTF_8), new SockAddr(addr)));
        }
        return out;
    }

    /** {@code getnameinfo(sockaddr, flags)}: {@code [host, service]}. */
    public static String[] getnameinfo(SockAddr address, int flags) throws SocketError {
        byte[] a = address.encoded();
        return nGetNameInfo(a, a.length, flags);
    }

    /** {@code gethostbyname(name)}: the first IPv4 address as text. */
    public static String gethostbyname(String name) throws SocketError {
        Objects.requireNonNull(name, "name");
        List<AddrInfo> r = getaddrinfo(name, null, SocketConstants.AF_INET, 0, 0, 0);
        return r.get(0).address.host();
    }

    /** {@code gethostbyname_ex(name)}. */
    public static HostEntry gethostbynameEx(String name) throws SocketError {
        return new HostEntry(nGetHostByNameEx(name));
    }

    /** {@code gethostbyaddr(ip)}. */
    public static HostEntry gethostbyaddr(String ip) throws SocketError {
        return new HostEntry(nGetHostByAddr(ip));
    }

    /** {@code gethostname()}. */
    public static String gethostname() throws SocketError {
        return nGetHostName();
    }

    /** {@code getservbyname(name, proto)}; {@code proto} may be null. */
    public static int getservbyname(String name, String proto) throws SocketError {
        return nGetServByName(name, proto);
    }

    /** {@code getservbyport(port, proto)}; {@code proto} may be null. */
    public static String getservbyport(int port, String proto) throws SocketError {
        return nGetServByPort(port, proto);
    }

    /** {@code getprotobyname(name)}. */
    public static int getprotobyname(String name) throws SocketError {
        return nGetProtoByName(name);
    }

    /** {@code inet_pton(family, text)}. */
    public static byte[] inetPton(int family, String text) throws SocketError {
        return nInetPton(family, text);
    }

    /** {@code inet_aton(text)} (lenient IPv4 forms such as "127.1"). */
    public static byte[] inetAton(String text) throws SocketError {
        return nInetAton(text);
    }

    /** {@code inet_ntop(family, packed)}. */
    public static String inetNtop(int family, byte[] packed) {
        try {
            return nInetNtop(family, packed);
        } catch (SocketError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static native byte[] nGetAddrInfo(String host, String port, int family, int type, int proto, int flags)
            throws SocketError;

    private static native String[] nGetNameInfo(byte[] addr, int len, int flags) throws SocketError;

    private static native String[] nGetHostByNameEx(String name) throws SocketError;

    private static native String[] nGetHostByAddr(String ip) throws SocketError;

    private static native String nGetHostName() throws SocketError;

    private static native int nGetServByName(String name, String proto) throws SocketError;

    private static native String nGetServByPort(int port, String proto) throws SocketError;

    private static native int nGetProtoByName(String name) throws SocketError;

    private static native byte[] nInetPton(int family, String text) throws SocketError;

    private static native byte[] nInetAton(String text) throws SocketError;

    private static native String nInetNtop(int family, byte[] packed) throws SocketError;
}
