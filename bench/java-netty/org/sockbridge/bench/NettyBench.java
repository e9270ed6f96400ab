package org.sockbridge.bench;

import io.netty.channel.epoll.Epoll;

/**
 * Netty's epoll transport as a peer (compiled only where Debian's libnetty-java jars exist).
 * Debian's libnetty-java 4.1.48 ships the transport's Java classes but not its JNI library
 * (libnetty_transport_native_epoll), so {@link Epoll#isAvailable()} is false there and the
 * answer says why, in Netty's own words.
 */
public final class NettyBench {
    private NettyBench() {
    }

    /** The reason the epoll transport cannot run here, or null when it can. */
    static String unavailable() {
        if (Epoll.isAvailable()) {
            return null;
        }
        Throwable cause = Epoll.unavailabilityCause();
        String why = cause == null ? "unknown" : cause.toString();
        Throwable root = cause;
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        if (root != null && root != cause) {
            why += " (root: " + root + ")";
        }
        return why;
    }

    /** UDP round trip over Netty epoll: not written, since the transport never loads here. */
    public static String udpRtt(double seconds) {
        String why = unavailable();
        return JavaBench.error(why != null ? "not available: Netty epoll does not load: " + why
                : "Netty epoll loads here, but this harness has no Netty case yet");
    }

    /** TCP stream over Netty epoll: as for {@link #udpRtt}. */
    public static String tcpStream(double seconds) {
        return udpRtt(seconds);
    }
}
