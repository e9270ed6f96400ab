package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import org.junit.Test;

/** Error paths carry the OS errno and strerror exactly as CPython shows them. */
public class ErrorsTest {
    @Test
    public void connectionRefusedIs111() throws Exception {
        SockAddr dead;
        try (NativeSocket l = Net.listener4()) {
            dead = l.getSockName();
        }
        try (NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            SocketError e = Net.expectError(() -> c.connect(dead));
            assertEquals(111, e.errno());
            assertEquals("[Errno 111] Connection refused", e.getMessage());
        }
        try (NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            assertEquals(111, c.connectEx(dead));
        }
    }

    @Test
    public void addressInUseIs98() throws Exception {
        try (NativeSocket l = Net.listener4(); NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            SocketError e = Net.expectError(() -> s.bind(l.getSockName()));
            assertEquals(98, e.errno());
            assertEquals("Address already in use", e.strerror());
        }
    }

    @Test
    public void badAddressesAreRefusedByTheKernel() throws Exception {
        try (NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            // 192.0.2.1 (TEST-NET-1) is not an address of this machine: EADDRNOTAVAIL.
            assertEquals(99, Net.expectError(() -> s.bind(SockAddr.inet("192.0.2.1", 0))).errno());
            // Wrong family for this socket: the kernel refuses (EINVAL or EAFNOSUPPORT by version).
            int errno = Net.expectError(() -> s.bind(SockAddr.inet6("::1", 0, 0, 0))).errno();
            assertTrue("errno " + errno, errno == 22 || errno == 97);
            errno = Net.expectError(() -> s.connect(SockAddr.unix("/nonexistent"))).errno();
            assertTrue("errno " + errno, errno == 22 || errno == 97);
        }
    }

    @Test
    public void unsupportedFamilyIsEafnosupport() throws Exception {
        assertEquals(97, Net.expectError(() -> NativeSocket.create(12345, SOCK_STREAM)).errno());
        assertEquals(93, Net.expectError(() -> NativeSocket.create(AF_INET, SOCK_STREAM, 17)).errno());
    }

    @Test
    public void unresolvableNameIsGaierrorMinus2() throws Exception {
        try {
            Resolver.getaddrinfo("no-such-host.invalid", "80", 0, 0, 0, 0);
            fail();
        } catch (AddressLookupError e) {
            assertEquals(-2, e.errno());
            assertEquals("[Errno -2] Name or service not known", e.getMessage());
        }
    }

    @Test
    public void notConnectedAndAlreadyConnected() throws Exception {
        try (NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            assertEquals(107, Net.expectError(s::getPeerName).errno());
            assertEquals(107, Net.expectError(() -> s.shutdown(SHUT_RDWR)).errno());
            assertEquals(22, Net.expectError(() -> s.shutdown(7)).errno());
        }
        NativeSocket[] p = Net.tcpPair();
        try {
            assertEquals(106, Net.expectError(() -> p[0].connect(p[1].getSockName())).errno());
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    public void closedSocketIsEbadf() throws Exception {
        NativeSocket s = NativeSocket.create(AF_INET, SOCK_DGRAM);
        s.close();
        s.close(); // twice is harmless
        SocketError e = Net.expectError(() -> s.send(new byte[1]));
        assertEquals(9, e.errno());
        assertEquals("[Errno 9] Bad file descriptor", e.getMessage());
        assertEquals(9, Net.expectError(s::fileno).errno());
        assertEquals(9, Net.expectError(() -> s.setTimeout(1.0)).errno());
    }

    @Test
    public void resetByPeerAndBrokenPipe() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        // Abortive close (linger 0) makes the peer see a reset.
        p[1].setSockOpt(SOL_SOCKET, SO_LINGER, new byte[] {1, 0, 0, 0, 0, 0, 0, 0});
        p[1].close();
        p[0].setTimeout(5.0);
        SocketError e = Net.expectError(() -> p[0].recv(new byte[4], 0, 4, 0));
        assertEquals(104, e.errno());
        assertEquals(32, Net.expectError(() -> p[0].send(new byte[4])).errno());
        p[0].close();
    }
}
