package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import org.junit.After;
import org.junit.Test;

/**
 * Nothing Java passes in may crash the JVM: forged, zero and closed handles, null or short
 * arrays, negative or huge lengths, absurd option lengths and garbage addresses all give a clear
 * exception. Several tests call the native entry points directly, bypassing the facade's checks,
 * to prove the native side defends itself too.
 */
public class BadInputTest {
    private static final long[] FORGED = {0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, 0x7fffffff00000000L, 0xdeadbeefL};

    @After
    public void jvmStillWorks() throws Exception {
        try (NativeSocket s = Net.udp4()) {
            assertTrue(s.fileno() >= 0);
        }
    }

    @Test
    public void forgedHandlesAreEbadf() {
        byte[] buf = new byte[8];
        byte[] addr = new byte[SockAddr.OUT_BUFFER];
        for (long h : FORGED) {
            assertEquals(-9, NativeSocket.nRecv(h, buf, 0, 8, 0));
            assertEquals(-9, NativeSocket.nSend(h, buf, 0, 8, 0));
            assertEquals(-9, NativeSocket.nRecvFrom(h, buf, 0, 8, 0, addr));
            assertEquals(-9L, NativeSocket.nAccept(h, -1, addr));
            assertEquals(-9, NativeSocket.nClose(h));
            assertEquals(-9, NativeSocket.nFileno(h));
            assertEquals(-9, NativeSocket.nSetOptInt(h, SOL_SOCKET, SO_REUSEADDR, 1));
            assertEquals(-9L, NativeSocket.nDup(h));
        }
    }

    @Test
    public void nullAndShortArraysThrowNotCrash() throws Exception {
        try (NativeSocket s = Net.udp4()) {
            long h = s.handle();
            expectIllegal(() -> NativeSocket.nRecv(h, null, 0, 8, 0));
            expectIllegal(() -> NativeSocket.nSend(h, null, 0, 8, 0));
            expectIllegal(() -> NativeSocket.nRecv(h, new byte[4], 0, 8, MSG_DONTWAIT));
            expectIllegal(() -> NativeSocket.nSend(h, new byte[4], 2, 3, 0));
            expectIllegal(() -> NativeSocket.nSend(h, new byte[4], -1, 1, 0));
            expectIllegal(() -> NativeSocket.nSend(h, new byte[4], 0, -1, 0));
            expectIllegal(() -> NativeSocket.nSend(h, new byte[4], Integer.MAX_VALUE, Integer.MAX_VALUE, 0));
            expectIllegal(() -> NativeSocket.nRecvFrom(h, new byte[4], 0, 4, MSG_DONTWAIT, new byte[1]));
            expectIllegal(() -> NativeSocket.nBind(h, null, 8));
            expectIllegal(() -> NativeSocket.nBind(h, new byte[4], 8));
            expectIllegal(() -> NativeSocket.nBind(h, new byte[] {0, 2, 0}, 3));
            expectIllegal(() -> NativeSocket.nBind(h, new byte[] {0, 2, 0, 0, 0, 0, 0, 0}, -5));
            expectIllegal(() -> NativeSocket.nConnect(h, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2}, 4));
            expectIllegal(() -> NativeSocket.nSetOptBytes(h, SOL_SOCKET, SO_LINGER, null));
            expectIllegal(() -> NativeSocket.nSetOptBytes(h, SOL_SOCKET, SO_LINGER, new byte[1 << 20]));
            expectIllegal(() -> NativeSocket.nGetOptBytes(h, SOL_SOCKET, SO_TYPE, new byte[4], 5000));
            expectIllegal(() -> NativeSocket.nGetOptBytes(h, SOL_SOCKET, SO_TYPE, new byte[4], -3));
            expectIllegal(() -> NativeSocket.nGetOptInt(h, SOL_SOCKET, SO_TYPE, new int[0]));
            expectIllegal(() -> NativeSocket.nInfo(h, new int[1]));
            expectIllegal(() -> NativeSocket.nSendMsg(h, new byte[1], new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 0x7f, 0, 0, 0}, 0, null, 0));
            expectIllegal(() -> NativeSocket.nRecvMsg(h, new byte[4], -1, MSG_DONTWAIT, new byte[4], new int[2], new byte[112]));
        }
    }

    @Test
    public void facadeChecksArgumentsBeforeNativeCode() throws Exception {
        try (NativeSocket s = Net.udp4()) {
            try {
                s.send(new byte[4], 3, 2, 0);
                fail();
            } catch (IndexOutOfBoundsException expected) {
                // offset + length past the end
            }
            try {
                s.recv(null, 0, 1, 0);
                fail();
            } catch (NullPointerException expected) {
                // null buffer
            }
            try {
                s.recv(-1, 0);
                fail();
            } catch (IllegalArgumentException expected) {
                assertEquals("negative buffersize in recv", expected.getMessage());
            }
            try {
                SockAddr.inet("127.0.0.1", 70000);
                fail();
            } catch (IllegalArgumentException expected) {
                assertEquals("port must be 0-65535.", expected.getMessage());
            }
            try {
                SockAddr.unix(new byte[200]);
                fail();
            } catch (IllegalArgumentException expected) {
                assertEquals("AF_UNIX path too long", expected.getMessage());
            }
            try {
                SockAddr.inet("not-an-ip", 1);
                fail();
            } catch (SocketError expected) {
                assertEquals("illegal IP address string passed to inet_pton", expected.getMessage());
            }
        }
    }

    @Test
    public void pollWithBadArraysThrows() throws Exception {
        expectIllegal(() -> Poller.poll(new int[1], new long[1], new short[1], new short[1], 5, 0));
        expectIllegal(() -> Poller.poll(null, new long[1], new short[1], new short[1], 1, 0));
        expectIllegal(() -> Poller.poll(new int[1], new long[1], new short[1], new short[1], -1, 0));
        try {
            Poller.select(java.util.List.of("not an fd"), java.util.List.of(), java.util.List.of(), 0.0);
            fail();
        } catch (IllegalArgumentException expected) {
            assertEquals("argument must be an int, or have a fileno() method.", expected.getMessage());
        }
        SocketError e = Net.expectError(
                () -> Poller.poll(new int[1], new long[] {0xdeadbeefL}, new short[1], new short[1], 1, 0));
        assertEquals(9, e.errno());
    }

    @Test
    public void epollRefusesBadArguments() throws Exception {
        try (Epoll ep = new Epoll()) {
            assertEquals(9, Net.expectError(() -> ep.register(999_999, EPOLLIN)).errno());
            try {
                ep.poll(0.0, 0);
                fail();
            } catch (IllegalArgumentException expected) {
                // maxevents must be > 0
            }
        }
        Epoll closed = new Epoll();
        closed.close();
        closed.close();
        assertEquals(9, Net.expectError(closed::fileno).errno());
    }

    @Test
    public void fdOfAcceptsOnlyFileDescriptors() throws Exception {
        // Unchecked, the native side read the "fd" field at FileDescriptor's offset inside any
        // object (garbage, or a JVM abort under -Xcheck:jni).
        Object[] wrong = {new Object(), "not a descriptor", 3, new int[4], new java.io.ByteArrayInputStream(new byte[1])};
        for (Object o : wrong) {
            try {
                int r = Poller.nFdOf(o);
                fail("nFdOf(" + o.getClass().getName() + ") returned " + r);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("FileDescriptor"));
            }
        }
        assertEquals(-9, Poller.nFdOf(null));
        assertEquals(-9, Poller.nFdOf(new java.io.FileDescriptor()));
        assertEquals(0, Poller.nFdOf(java.io.FileDescriptor.in));
        assertEquals(2, Poller.fdOf(java.io.FileDescriptor.err));
    }

    /** A Java-sized argument that is too large is refused before native code copies it. */
    @Test
    public void oversizedArraysAreRefusedBeforeAnyNativeCopy() throws Exception {
        byte[] huge = new byte[256 << 20];
        java.util.Arrays.fill(huge, (byte) 1);
        long limit = 64 << 20;
        try (NativeSocket s = Net.udp4()) {
            long h = s.handle();
            assertSmall("setsockopt", limit, PeakMemory.growthDuring(
                    () -> expectIllegal(() -> NativeSocket.nSetOptBytes(h, SOL_SOCKET, SO_LINGER, huge))));
            assertSmall("sendmsg ancillary", limit, PeakMemory.growthDuring(
                    () -> expectIllegal(() -> NativeSocket.nSendMsg(h, new byte[1], huge, 0, null, 0))));
        }
        assertSmall("pin", limit, PeakMemory.growthDuring(
                () -> expectIllegal(() -> TlsPolicy.secureDefaults().pinSha256(huge, false))));
        assertSmall("inet_ntop", limit, PeakMemory.growthDuring(
                () -> expectIllegal(() -> Resolver.inetNtop(AF_INET, huge))));
        assertSmall("CA data", limit, PeakMemory.growthDuring(() -> {
            try {
                TlsPolicy.secureDefaults().trustCaData(huge);
                fail("256 MiB of garbage accepted as CA data");
            } catch (IllegalArgumentException | SocketError expected) {
                assertNotNull(expected.getMessage());
            }
        }));
    }

    /** sendmsg lends the Java array to the system call instead of copying it. */
    @Test
    public void sendMsgDoesNotCopyItsData() throws Exception {
        byte[] big = new byte[256 << 20];
        java.util.Arrays.fill(big, (byte) 7);
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try (NativeSocket a = p[0]; NativeSocket b = p[1]) {
            a.setTimeout(0.0);
            int[] sent = new int[1];
            long growth = PeakMemory.growthDuring(() -> sent[0] = a.sendMsg(big, java.util.List.of(), 0, null));
            assertTrue(sent[0] > 0 && sent[0] < big.length);
            byte[] got = b.recv(sent[0], 0);
            assertEquals(7, got[got.length - 1]);
            // Under -Xcheck:jni the JVM itself lends native code a guarded copy of every array.
            if (!PeakMemory.checkedJni()) {
                assertSmall("sendmsg data", 64 << 20, growth);
            }
        }
    }

    /** recvmsg checks every output array before the call: a bad one never costs the message. */
    @Test
    public void recvMsgChecksItsOutputsBeforeReceiving() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_DGRAM, 0);
        try (NativeSocket a = p[0]; NativeSocket b = p[1]) {
            a.send(new byte[] {5});
            long h = b.handle();
            byte[] addr = new byte[SockAddr.OUT_BUFFER];
            expectIllegal(() -> NativeSocket.nRecvMsg(h, new byte[4], 0, MSG_DONTWAIT, new byte[0], new int[1], addr));
            expectIllegal(() -> NativeSocket.nRecvMsg(h, new byte[4], 0, MSG_DONTWAIT, new byte[0], null, addr));
            expectIllegal(() -> NativeSocket.nRecvMsg(h, new byte[4], 64, MSG_DONTWAIT, new byte[8], new int[2], addr));
            NativeSocket.Message m = b.recvMsg(4, 64, MSG_DONTWAIT);
            assertArrayEquals(new byte[] {5}, m.data);
        }
    }

    private static void assertSmall(String what, long limit, long growth) {
        System.out.println(what + ": peak native growth " + (growth >> 10) + " KiB");
        assertTrue(what + ": native memory grew by " + (growth >> 20) + " MiB", growth < limit);
    }

    @Test
    public void aNativePanicBecomesAJavaError() {
        try {
            NativeLibrary.panicForTest();
            fail();
        } catch (Error expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("panic requested by test"));
        }
    }

    @Test
    public void resolverRefusesNullAndEmbeddedNul() throws Exception {
        expectIllegal(() -> Resolver.gethostbynameEx(null));
        expectIllegal(() -> Resolver.getaddrinfo("local\0host", null, 0, 0, 0, 0));
        expectIllegal(() -> Resolver.inetNtop(AF_INET, new byte[3]));
        assertEquals(97, Net.expectError(() -> Resolver.inetPton(12345, "1.2.3.4")).errno());
    }

    interface Call {
        Object call() throws Exception;
    }

    /** Expects a clear argument exception: ours, or the JVM's own array bounds check. */
    private static void expectIllegal(Call c) throws Exception {
        try {
            c.call();
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException | IndexOutOfBoundsException expected) {
            assertNotNull(expected.getMessage());
        }
    }
}
