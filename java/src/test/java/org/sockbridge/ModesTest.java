package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.util.List;
import org.junit.Test;

/** The three CPython modes: blocking, timeout, and real non-blocking for {@code settimeout(0)}. */
public class ModesTest {
    @Test
    public void zeroTimeoutRecvIsEagainNotATimeout() throws Exception {
        try (NativeSocket s = Net.udp4()) {
            s.setTimeout(0.0);
            assertEquals(Double.valueOf(0.0), s.getTimeout());
            SocketError e = Net.expectError(() -> s.recv(new byte[8], 0, 8, 0));
            assertFalse("must not be a timeout", e instanceof SocketTimeout);
            assertEquals(11, e.errno());
            assertEquals("[Errno 11] Resource temporarily unavailable", e.getMessage());
        }
    }

    @Test
    public void zeroTimeoutAcceptIsEagain() throws Exception {
        try (NativeSocket l = Net.listener4()) {
            l.setBlocking(false);
            assertEquals(11, Net.expectError(l::accept).errno());
        }
    }

    @Test
    public void zeroTimeoutConnectIsInProgressThenCompletesAfterPollForWritability() throws Exception {
        try (NativeSocket l = Net.listener4(); NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            c.setTimeout(0.0);
            SocketError e = Net.expectError(() -> c.connect(l.getSockName()));
            assertEquals(115, e.errno());
            assertEquals("Operation now in progress", e.strerror());
            Poller.Selected ready = Poller.select(List.of(), List.of(c), List.of(), 5.0);
            assertEquals(List.of(c), ready.write);
            assertEquals(0, c.getSockOpt(SOL_SOCKET, SO_ERROR));
            assertEquals(l.getSockName(), c.getPeerName());
            // The kernel reports the finished connect to the next connect() (0), then EISCONN.
            assertEquals(0, c.connectEx(l.getSockName()));
            assertEquals(106, c.connectEx(l.getSockName()));
        }
    }

    @Test
    public void connectExReturnsInProgressWhenNonBlocking() throws Exception {
        try (NativeSocket l = Net.listener4(); NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            c.setBlocking(false);
            assertEquals(115, c.connectEx(l.getSockName()));
        }
    }

    @Test
    public void timeoutRecvRaisesTimedOutAfterTheTimeout() throws Exception {
        try (NativeSocket s = Net.udp4()) {
            s.setTimeout(0.2);
            long start = System.nanoTime();
            SocketError e = Net.expectError(() -> s.recv(new byte[8], 0, 8, 0));
            long waited = System.nanoTime() - start;
            assertTrue(e instanceof SocketTimeout);
            assertEquals("timed out", e.getMessage());
            assertTrue("waited " + waited + " ns", waited >= 200_000_000L);
        }
    }

    @Test
    public void timeoutAcceptRaisesTimedOut() throws Exception {
        try (NativeSocket l = Net.listener4()) {
            l.setTimeout(0.05);
            assertTrue(Net.expectError(l::accept) instanceof SocketTimeout);
        }
    }

    @Test
    public void msgDontwaitIsNonBlockingForOneCall() throws Exception {
        try (NativeSocket s = Net.udp4()) {
            assertNull(s.getTimeout());
            assertEquals(11, Net.expectError(() -> s.recv(new byte[8], 0, 8, MSG_DONTWAIT)).errno());
        }
    }

    @Test
    public void badTimeoutsAreRefused() throws Exception {
        try (NativeSocket s = Net.udp4()) {
            try {
                s.setTimeout(-1.0);
                fail();
            } catch (IllegalArgumentException expected) {
                assertEquals("Timeout value out of range", expected.getMessage());
            }
            try {
                s.setTimeout(Double.NaN);
                fail();
            } catch (IllegalArgumentException expected) {
                // CPython: ValueError
            }
            assertNull(s.getTimeout());
        }
    }

    @Test
    public void defaultTimeoutAppliesToNewAndAcceptedSockets() throws Exception {
        NativeSocket.setDefaultTimeout(1.5);
        try (NativeSocket l = Net.listener4(); NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            assertEquals(Double.valueOf(1.5), l.getTimeout());
            c.connect(l.getSockName());
            try (NativeSocket a = l.accept().socket) {
                assertEquals(Double.valueOf(1.5), a.getTimeout());
            }
        } finally {
            NativeSocket.setDefaultTimeout(null);
        }
    }

    @Test
    public void blockingSendOfAStreamSendsEverythingAndRecvWaitallFills() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        java.util.concurrent.Future<byte[]> reader = Net.async(() -> {
            byte[] in = new byte[big.length];
            assertEquals(big.length, p[1].recv(in, 0, in.length, MSG_WAITALL));
            return in;
        });
        assertEquals(big.length, p[0].send(big));
        assertArrayEquals(big, reader.get(10, java.util.concurrent.TimeUnit.SECONDS));
        p[0].close();
        p[1].close();
    }

    @Test
    public void outOfBandDataWithMsgOob() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        try {
            p[0].send(new byte[] {'a', 'b'}, 0, 2, 0);
            p[0].send(new byte[] {'!'}, 0, 1, MSG_OOB);
            p[1].setTimeout(5.0);
            Poller.select(List.of(), List.of(), List.of(p[1]), 5.0);
            byte[] oob = new byte[1];
            assertEquals(1, p[1].recv(oob, 0, 1, MSG_OOB));
            assertEquals('!', oob[0]);
            assertArrayEquals(new byte[] {'a', 'b'}, p[1].recv(8, 0));
        } finally {
            p[0].close();
            p[1].close();
        }
    }
}
