package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

/** Every option the issue lists, set and read back through the kernel, or the kernel's refusal. */
public class OptionsTest {
    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.nativeOrder());
        for (int i : v) {
            b.putInt(i);
        }
        return b.array();
    }

    private static void roundTrip(NativeSocket s, int level, int name, int value, int expected) throws Exception {
        s.setSockOpt(level, name, value);
        assertEquals("option " + level + "/" + name, expected, s.getSockOpt(level, name));
    }

    @Test
    public void tcpSocketOptions() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        try (NativeSocket s = p[0]) {
            roundTrip(s, SOL_SOCKET, SO_KEEPALIVE, 1, 1);
            roundTrip(s, SOL_SOCKET, SO_OOBINLINE, 1, 1);
            roundTrip(s, SOL_SOCKET, SO_REUSEADDR, 1, 1);
            roundTrip(s, SOL_SOCKET, SO_REUSEPORT, 1, 1);
            roundTrip(s, SOL_SOCKET, SO_RCVBUF, 65536, 131072); // the kernel doubles it
            roundTrip(s, SOL_SOCKET, SO_SNDBUF, 65536, 131072);
            roundTrip(s, SOL_SOCKET, SO_RCVLOWAT, 16, 16);
            roundTrip(s, SOL_SOCKET, SO_PRIORITY, 3, 3);
            roundTrip(s, IPPROTO_TCP, TCP_NODELAY, 1, 1);
            roundTrip(s, SOL_TCP, TCP_KEEPIDLE, 30, 30);
            roundTrip(s, SOL_TCP, TCP_KEEPINTVL, 5, 5);
            roundTrip(s, SOL_TCP, TCP_KEEPCNT, 4, 4);
            roundTrip(s, SOL_TCP, TCP_USER_TIMEOUT, 1000, 1000);
            roundTrip(s, SOL_TCP, TCP_CORK, 1, 1);
            s.setSockOpt(SOL_TCP, TCP_QUICKACK, 1);
            assertTrue(s.getSockOpt(SOL_TCP, TCP_QUICKACK) >= 0);
            assertTrue(s.getSockOpt(SOL_TCP, TCP_MAXSEG) > 0);
            roundTrip(s, IPPROTO_IP, IP_TTL, 17, 17);
            roundTrip(s, IPPROTO_IP, IP_TOS, 0x10, 0x10);
            assertEquals(SOCK_STREAM, s.getSockOpt(SOL_SOCKET, SO_TYPE));
            assertEquals(0, s.getSockOpt(SOL_SOCKET, SO_ERROR));
            // SO_SNDLOWAT cannot be changed on Linux: the kernel refuses with ENOPROTOOPT.
            assertEquals(92, Net.expectError(() -> s.setSockOpt(SOL_SOCKET, SO_SNDLOWAT, 10)).errno());
            assertEquals(1, s.getSockOpt(SOL_SOCKET, SO_SNDLOWAT));
            s.setSockOpt(SOL_TCP, TCP_CONGESTION, "reno".getBytes(StandardCharsets.US_ASCII));
            String algo = new String(s.getSockOpt(SOL_TCP, TCP_CONGESTION, 16), StandardCharsets.US_ASCII);
            assertTrue(algo, algo.startsWith("reno"));
        } finally {
            p[1].close();
        }
    }

    @Test
    public void lingerIsAPackedStructRoundTrip() throws Exception {
        try (NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            s.setSockOpt(SOL_SOCKET, SO_LINGER, ints(1, 10));
            assertArrayEquals(ints(1, 10), s.getSockOpt(SOL_SOCKET, SO_LINGER, 8));
        }
    }

    @Test
    public void socketTimeoutsAreTimevals() throws Exception {
        try (NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(2).putLong(500_000);
            s.setSockOpt(SOL_SOCKET, SO_RCVTIMEO, tv.array());
            s.setSockOpt(SOL_SOCKET, SO_SNDTIMEO, tv.array());
            assertArrayEquals(tv.array(), s.getSockOpt(SOL_SOCKET, SO_RCVTIMEO, 16));
            assertArrayEquals(tv.array(), s.getSockOpt(SOL_SOCKET, SO_SNDTIMEO, 16));
        }
    }

    @Test
    public void bindToDeviceLoopback() throws Exception {
        try (NativeSocket s = NativeSocket.create(AF_INET, SOCK_DGRAM)) {
            s.setSockOpt(SOL_SOCKET, SO_BINDTODEVICE, "lo".getBytes(StandardCharsets.US_ASCII));
            byte[] dev = s.getSockOpt(SOL_SOCKET, SO_BINDTODEVICE, 16);
            assertEquals("lo", new String(dev, StandardCharsets.US_ASCII).replace("\0", ""));
        }
    }

    @Test
    public void udpBroadcastAndMulticastJoinOnLoopback() throws Exception {
        try (NativeSocket rx = NativeSocket.create(AF_INET, SOCK_DGRAM);
                NativeSocket tx = NativeSocket.create(AF_INET, SOCK_DGRAM)) {
            roundTrip(rx, SOL_SOCKET, SO_BROADCAST, 1, 1);
            rx.setSockOpt(SOL_SOCKET, SO_REUSEADDR, 1);
            rx.bind(SockAddr.inet("0.0.0.0", 0));
            byte[] group = Resolver.inetPton(AF_INET, "239.255.77.1");
            byte[] lo = Resolver.inetPton(AF_INET, "127.0.0.1");
            byte[] mreq = new byte[8];
            System.arraycopy(group, 0, mreq, 0, 4);
            System.arraycopy(lo, 0, mreq, 4, 4);
            rx.setSockOpt(IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq);
            tx.setSockOpt(IPPROTO_IP, IP_MULTICAST_IF, lo);
            assertArrayEquals(lo, tx.getSockOpt(IPPROTO_IP, IP_MULTICAST_IF, 4));
            roundTrip(tx, IPPROTO_IP, IP_MULTICAST_TTL, 1, 1);
            roundTrip(tx, IPPROTO_IP, IP_MULTICAST_LOOP, 1, 1);
            rx.setTimeout(5.0);
            tx.sendTo("mc".getBytes("UTF-8"), SockAddr.inet(group, rx.getSockName().port()));
            byte[] buf = new byte[8];
            NativeSocket.Received r = rx.recvFrom(buf, 0, 8, 0);
            assertEquals("mc", new String(buf, 0, r.count, "UTF-8"));
            assertEquals("127.0.0.1", r.address.host());
            rx.setSockOpt(IPPROTO_IP, IP_DROP_MEMBERSHIP, mreq);
            // Dropping again: the kernel says EADDRNOTAVAIL.
            assertEquals(99, Net.expectError(() -> rx.setSockOpt(IPPROTO_IP, IP_DROP_MEMBERSHIP, mreq)).errno());
        }
    }

    @Test
    public void ipv6Options() throws Exception {
        try (NativeSocket s = NativeSocket.create(AF_INET6, SOCK_DGRAM)) {
            roundTrip(s, IPPROTO_IPV6, IPV6_V6ONLY, 1, 1);
            roundTrip(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 9, 9);
            roundTrip(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 3, 3);
            roundTrip(s, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, 0);
            byte[] mreq6 = new byte[20];
            System.arraycopy(Resolver.inetPton(AF_INET6, "ff02::1:77"), 0, mreq6, 0, 16);
            ByteBuffer.wrap(mreq6, 16, 4).order(ByteOrder.nativeOrder()).putInt(1); // ifindex of lo
            try {
                s.setSockOpt(IPPROTO_IPV6, IPV6_JOIN_GROUP, mreq6);
            } catch (SocketError e) {
                // Some sandboxes have no IPv6 multicast on lo: then the kernel's own refusal.
                assertTrue("errno " + e.errno(), e.errno() == 19 || e.errno() == 99);
            }
        }
    }

    @Test
    public void unknownOptionsAndBadLengthsAreRefused() throws Exception {
        try (NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            assertEquals(92, Net.expectError(() -> s.setSockOpt(SOL_SOCKET, 9999, 1)).errno());
            assertEquals(92, Net.expectError(() -> s.getSockOpt(SOL_SOCKET, 9999)).errno());
            assertEquals(22, Net.expectError(() -> s.setSockOpt(SOL_SOCKET, SO_LINGER, new byte[2])).errno());
            for (int bad : new int[] {0, -1, 1025, Integer.MAX_VALUE}) {
                try {
                    s.getSockOpt(SOL_SOCKET, SO_TYPE, bad);
                    fail("buflen " + bad);
                } catch (IllegalArgumentException expected) {
                    assertEquals("getsockopt buflen out of range", expected.getMessage());
                }
            }
        }
    }
}
