package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.Test;

/**
 * NativeSocket's java.nio.ByteBuffer overloads against real sockets (TCP, UDP, AF_UNIX):
 * channel position/limit semantics, direct and heap buffers, scatter/gather, partial writes in
 * non-blocking mode, and the documented exceptions for bad input.
 */
public class ByteBufferTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(ByteBuffer b, int from, int to) {
        byte[] out = new byte[to - from];
        ByteBuffer d = b.duplicate();
        d.position(from).limit(to);
        d.get(out);
        return new String(out, StandardCharsets.US_ASCII);
    }

    @Test
    public void directRecvFillsPositionToLimitAndAdvances() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        try (NativeSocket c = p[0]; NativeSocket s = p[1]) {
            c.sendAll(bytes("hello world"));
            ByteBuffer dst = ByteBuffer.allocateDirect(32);
            dst.position(3).limit(8); // room for 5 bytes only
            assertEquals(5, s.recv(dst));
            assertEquals(8, dst.position());
            assertEquals(8, dst.limit());
            assertEquals("hello", text(dst, 3, 8));
            assertEquals(0, dst.get(0)); // nothing written before the position
            dst.limit(32);
            assertEquals(6, s.recv(dst));
            assertEquals(" world", text(dst, 8, 14));
        }
    }

    @Test
    public void directSendTakesPositionToLimitAndAdvances() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        try (NativeSocket c = p[0]; NativeSocket s = p[1]) {
            ByteBuffer src = ByteBuffer.allocateDirect(16);
            src.put(bytes("xxabcdefyy")).flip();
            src.position(2).limit(8);
            assertEquals(6, c.send(src));
            assertEquals(8, src.position());
            assertEquals("abcdef", new String(s.recv(16, 0), StandardCharsets.US_ASCII));
            assertEquals(0, c.send(src)); // nothing remaining: nothing sent, position unchanged
            assertEquals(8, src.position());
        }
    }

    @Test
    public void heapBuffersWorkThroughTheirArrayIncludingSlices() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        try (NativeSocket c = p[0]; NativeSocket s = p[1]) {
            byte[] backing = bytes("..0123456789..");
            ByteBuffer src = ByteBuffer.wrap(backing, 2, 10).slice(); // arrayOffset 2
            src.position(4);
            assertEquals(6, c.send(src));
            assertEquals(10, src.position());
            byte[] into = new byte[12];
            ByteBuffer dst = ByteBuffer.wrap(into, 4, 8).slice(); // arrayOffset 4
            dst.position(1);
            assertEquals(6, s.recv(dst));
            assertEquals(7, dst.position());
            assertEquals("456789", new String(into, 5, 6, StandardCharsets.US_ASCII));
            assertEquals(0, into[4]);
        }
    }

    @Test
    public void readOnlyHeapBufferIsSentReadOnlyBuffersAreNotReceivedInto() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        try (NativeSocket c = p[0]; NativeSocket s = p[1]) {
            ByteBuffer ro = ByteBuffer.wrap(bytes("read-only")).asReadOnlyBuffer();
            assertEquals(9, c.send(ro));
            assertEquals(9, ro.position());
            assertEquals("read-only", new String(s.recv(16, 0), StandardCharsets.US_ASCII));
            for (ByteBuffer b : new ByteBuffer[] {
                ByteBuffer.allocate(8).asReadOnlyBuffer(), ByteBuffer.allocateDirect(8).asReadOnlyBuffer()
            }) {
                try {
                    s.recv(b);
                    fail("recv into a read-only buffer");
                } catch (ReadOnlyBufferException expected) {
                    assertEquals(0, b.position());
                }
                try {
                    s.recv(new ByteBuffer[] {ByteBuffer.allocateDirect(4), b});
                    fail("scatter into a read-only buffer");
                } catch (ReadOnlyBufferException expected) {
                }
            }
            ByteBuffer roDirect = ByteBuffer.allocateDirect(4).put(bytes("ro!!")).flip().asReadOnlyBuffer();
            assertEquals(4, c.send(roDirect)); // a read-only direct buffer is read by address
            assertEquals("ro!!", new String(s.recv(16, 0), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void udpRecvFromAndSendToWithDirectBuffers() throws Exception {
        try (NativeSocket a = Net.udp4(); NativeSocket b = Net.udp4()) {
            ByteBuffer src = ByteBuffer.allocateDirect(64);
            src.put(bytes("datagram")).flip();
            assertEquals(8, a.sendTo(src, 0, b.getSockName()));
            assertEquals(8, src.position());
            ByteBuffer dst = ByteBuffer.allocateDirect(64);
            dst.position(10);
            NativeSocket.Received r = b.recvFrom(dst, 0);
            assertEquals(8, r.count);
            assertEquals(18, dst.position());
            assertEquals("datagram", text(dst, 10, 18));
            assertEquals(a.getSockName(), r.address);
            // A heap buffer on the same calls.
            ByteBuffer heap = ByteBuffer.wrap(bytes("heap"));
            assertEquals(4, b.sendTo(heap, 0, a.getSockName()));
            ByteBuffer into = ByteBuffer.allocate(8);
            NativeSocket.Received back = a.recvFrom(into, 0);
            assertEquals(4, back.count);
            assertEquals(b.getSockName(), back.address);
            assertEquals("heap", new String(into.array(), 0, 4, StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void udpTruncatedDatagramAdvancesOnlyByWhatFit() throws Exception {
        try (NativeSocket a = Net.udp4(); NativeSocket b = Net.udp4()) {
            a.connect(b.getSockName());
            a.send(bytes("0123456789"));
            ByteBuffer dst = ByteBuffer.allocateDirect(4);
            int n = b.recv(dst, MSG_TRUNC); // the kernel reports the datagram's real length
            assertEquals(10, n);
            assertEquals(4, dst.position());
            assertEquals("0123", text(dst, 0, 4));
        }
    }

    @Test
    public void scatterReadFillsBuffersInOrder() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try (NativeSocket c = p[0]; NativeSocket s = p[1]) {
            c.sendAll(bytes("abcdefghij"));
            ByteBuffer one = ByteBuffer.allocateDirect(3);
            ByteBuffer two = ByteBuffer.allocateDirect(16);
            two.position(2).limit(6); // room for 4
            ByteBuffer three = ByteBuffer.allocateDirect(16);
            assertEquals(10, s.recv(new ByteBuffer[] {one, two, three}));
            assertEquals(3, one.position());
            assertEquals(6, two.position());
            assertEquals(3, three.position());
            assertEquals("abc", text(one, 0, 3));
            assertEquals("defg", text(two, 2, 6));
            assertEquals("hij", text(three, 0, 3));
        }
    }

    @Test
    public void gatherWriteSendsBuffersInOrderWithOffsetAndLength() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        try (NativeSocket c = p[0]; NativeSocket s = p[1]) {
            ByteBuffer[] srcs = new ByteBuffer[4];
            String[] parts = {"skip", "one ", "two ", "three"};
            for (int i = 0; i < 4; i++) {
                srcs[i] = ByteBuffer.allocateDirect(16);
                srcs[i].put(bytes(parts[i])).flip();
            }
            assertEquals(13, c.sendGather(srcs, 1, 3, 0));
            assertEquals(0, srcs[0].position()); // outside [offset, offset+length)
            assertEquals(4, srcs[1].position());
            assertEquals(5, srcs[3].position());
            byte[] got = new byte[13];
            assertEquals(13, s.recv(got, 0, 13, MSG_WAITALL));
            assertEquals("one two three", new String(got, StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void udpGatherIsOneDatagramAndScatterSplitsIt() throws Exception {
        try (NativeSocket a = Net.udp4(); NativeSocket b = Net.udp4()) {
            a.connect(b.getSockName());
            ByteBuffer h = ByteBuffer.allocateDirect(4).put(bytes("HEAD")).flip();
            ByteBuffer body = ByteBuffer.allocateDirect(8).put(bytes("body")).flip();
            assertEquals(8, a.send(new ByteBuffer[] {h, body}));
            ByteBuffer rh = ByteBuffer.allocateDirect(4);
            ByteBuffer rb = ByteBuffer.allocateDirect(64);
            assertEquals(8, b.recv(new ByteBuffer[] {rh, rb}));
            assertEquals("HEAD", text(rh, 0, 4));
            assertEquals("body", text(rb, 0, 4));
            assertEquals(4, rb.position());
        }
    }

    @Test
    public void nonBlockingPartialGatherWriteAdvancesExactlyTheCountSent() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try (NativeSocket c = p[0]; NativeSocket s = p[1]) {
            c.setSockOpt(SOL_SOCKET, SO_SNDBUF, 4096);
            c.setBlocking(false);
            ByteBuffer[] srcs = new ByteBuffer[3];
            long total = 0;
            for (int i = 0; i < srcs.length; i++) {
                srcs[i] = ByteBuffer.allocateDirect(1 << 20);
                for (int j = 0; j < srcs[i].capacity(); j++) {
                    srcs[i].put(j, (byte) (i * 31 + j));
                }
                total += srcs[i].remaining();
            }
            long sent = c.send(srcs);
            assertTrue("partial: " + sent, sent > 0 && sent < total);
            long advanced = 0;
            for (ByteBuffer b : srcs) {
                advanced += b.position();
            }
            assertEquals(sent, advanced);
            // The peer receives exactly those bytes, in order.
            ByteBuffer check = ByteBuffer.allocateDirect((int) sent);
            s.setTimeout(5.0);
            while (check.hasRemaining()) {
                assertTrue(s.recv(check) > 0);
            }
            for (int k = 0; k < sent; k++) {
                int i = k >> 20;
                int j = k & ((1 << 20) - 1);
                assertEquals("byte " + k, (byte) (i * 31 + j), check.get(k));
            }
            // The send buffer is full now: EAGAIN, and no position moves.
            while (true) {
                try {
                    c.send(srcs);
                } catch (SocketError e) {
                    assertEquals(11, e.errno());
                    break;
                }
            }
            int[] before = {srcs[0].position(), srcs[1].position(), srcs[2].position()};
            assertEquals(11, Net.expectError(() -> c.send(srcs)).errno());
            assertArrayEquals(before, new int[] {srcs[0].position(), srcs[1].position(), srcs[2].position()});
        }
    }

    @Test
    public void nonBlockingPartialSingleWriteAdvancesByTheCount() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        try (NativeSocket c = p[0]; NativeSocket s = p[1]) {
            c.setBlocking(false);
            ByteBuffer src = ByteBuffer.allocateDirect(32 << 20);
            int n = c.send(src);
            assertTrue("partial: " + n, n > 0 && n < src.capacity());
            assertEquals(n, src.position());
            s.setBlocking(false);
            ByteBuffer first = ByteBuffer.allocateDirect(16);
            assertEquals(16, s.recv(first)); // what was sent arrives
        }
    }

    @Test
    public void badInputGivesTheDocumentedExceptions() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        NativeSocket c = p[0];
        try (NativeSocket s = p[1]) {
            ByteBuffer d = ByteBuffer.allocateDirect(8);
            assertThrows(NullPointerException.class, () -> c.recv((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> c.send((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> c.recv((ByteBuffer[]) null));
            assertThrows(NullPointerException.class, () -> c.send(new ByteBuffer[] {d, null}));
            assertThrows(NullPointerException.class, () -> c.sendTo(d, 0, null));
            assertThrows(IllegalArgumentException.class, () -> c.send(new ByteBuffer[] {ByteBuffer.allocate(4)}));
            assertThrows(IllegalArgumentException.class, () -> c.recv(new ByteBuffer[] {ByteBuffer.allocate(4)}));
            assertThrows(IndexOutOfBoundsException.class, () -> c.sendGather(new ByteBuffer[] {d}, 1, 1, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> c.recvScatter(new ByteBuffer[] {d}, -1, 1, 0));
            ByteBuffer[] many = new ByteBuffer[NativeSocket.MAX_BUFFERS + 1];
            Arrays.fill(many, d);
            assertThrows(IllegalArgumentException.class, () -> c.send(many));
            // Exactly MAX_BUFFERS is accepted: one byte from each, in one sendmsg.
            ByteBuffer[] max = new ByteBuffer[NativeSocket.MAX_BUFFERS];
            for (int i = 0; i < max.length; i++) {
                max[i] = ByteBuffer.allocateDirect(1).put(0, (byte) i);
            }
            assertEquals(NativeSocket.MAX_BUFFERS, c.send(max));
            byte[] got = new byte[NativeSocket.MAX_BUFFERS];
            assertEquals(got.length, s.recv(got, 0, got.length, MSG_WAITALL));
            for (int i = 0; i < got.length; i++) {
                assertEquals((byte) i, got[i]);
            }
            c.close();
            assertEquals(9, Net.expectError(() -> c.recv(d)).errno()); // EBADF
            assertEquals(9, Net.expectError(() -> c.send(d)).errno());
            assertEquals(9, Net.expectError(() -> c.recv(new ByteBuffer[] {d})).errno());
            assertEquals(9, Net.expectError(() -> c.send(new ByteBuffer[] {d})).errno());
            assertEquals(0, d.position());
        }
    }

    @Test
    public void nativeEntryPointsRefuseOutOfBoundsRegionsThemselves() throws Exception {
        // The raw entry points check the region against the buffer's capacity even if the
        // facade's own checks are bypassed: IllegalArgumentException, never a wild write.
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_DGRAM, 0);
        p[0].close();
        try (NativeSocket s = p[1]) {
            long h = handleOf(s);
            ByteBuffer d = ByteBuffer.allocateDirect(8);
            assertThrows(IllegalArgumentException.class, () -> DirectBuffers.nRecvDirect(h, d, 4, 5, 0));
            assertThrows(IllegalArgumentException.class, () -> DirectBuffers.nRecvDirect(h, d, -1, 2, 0));
            assertThrows(IllegalArgumentException.class, () -> DirectBuffers.nSendDirect(h, d, 0, Integer.MAX_VALUE, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> DirectBuffers.nRecvDirect(h, ByteBuffer.allocate(8), 0, 8, 0));
            assertThrows(IllegalArgumentException.class, () -> DirectBuffers.nRecvDirect(h, null, 0, 8, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> DirectBuffers.nRecvVectored(h, new ByteBuffer[] {d}, 0, 2, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> DirectBuffers.nSendVectored(h, new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> DirectBuffers.nSendVectored(h, null, 0, 0, 0));
        }
    }

    private static long handleOf(NativeSocket s) throws Exception {
        java.lang.reflect.Field f = NativeSocket.class.getDeclaredField("handle");
        f.setAccessible(true);
        return f.getLong(s);
    }
}
