package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;

/** PyStringIo.send: a String of byte chars sent from its own array, over real socket pairs. */
public class PyStringIoTest {
    private static String bytesText(int n, int seed) {
        StringBuilder b = new StringBuilder(n);
        int x = seed;
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            b.append((char) ((x >>> 16) & 0xff));
        }
        return b.toString();
    }

    private static byte[] readAll(NativeSocket s, int n) throws SocketError {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            int r = s.recv(out, got, n - got, 0);
            assertTrue("EOF after " + got + " of " + n, r > 0);
            got += r;
        }
        return out;
    }

    @Test
    public void sendsTheBytesOfTheCharsAndTheRangeAsked() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try (NativeSocket a = p[0]; NativeSocket b = p[1]) {
            String text = "\u0000h\u00e9llo\u00ff world";
            assertEquals(text.length(), PyStringIo.send(a, text, 0, text.length(), 0, false));
            assertArrayEquals(text.getBytes(StandardCharsets.ISO_8859_1), readAll(b, text.length()));
            assertEquals(5, PyStringIo.send(a, text, 2, 5, 0, true));
            assertEquals(text.substring(2, 7), new String(readAll(b, 5), StandardCharsets.ISO_8859_1));
            assertEquals(0, PyStringIo.send(a, text, 3, 0, 0, false));
        }
    }

    @Test
    public void sendAllOfAStringLargerThanTheSocketBufferArrivesWhole() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        String text = bytesText(3 * 1024 * 1024 + 7, 42);
        try (NativeSocket a = p[0]; NativeSocket b = p[1]) {
            AtomicReference<byte[]> got = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                byte[] buf = new byte[65536];
                try {
                    int r;
                    while ((r = b.recv(buf, 0, buf.length, 0)) > 0) {
                        all.write(buf, 0, r);
                    }
                } catch (SocketError e) {
                    throw new AssertionError(e);
                }
                got.set(all.toByteArray());
            });
            reader.start();
            assertEquals(text.length(), PyStringIo.send(a, text, 0, text.length(), 0, true));
            a.shutdown(SHUT_WR);
            reader.join(30000);
            assertArrayEquals(text.getBytes(StandardCharsets.ISO_8859_1), got.get());
        }
    }

    @Test
    public void aStringOfWiderCharsIsLeftToTheCaller() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try (NativeSocket a = p[0]; NativeSocket b = p[1]) {
            assertEquals(-1, PyStringIo.send(a, "\u20ac uro", 0, 5, 0, false));
            b.setTimeout(0.0);
            assertEquals("nothing was sent", 11, Net.expectError(() -> b.recv(new byte[8], 0, 8, 0)).errno());
        }
    }

    @Test
    public void errorsAreTheSocketsErrnosAndBadRangesAreRefused() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        NativeSocket a = p[0];
        try (NativeSocket b = p[1]) {
            try {
                PyStringIo.send(a, "abc", 2, 2, 0, false);
                fail("range past the end accepted");
            } catch (IndexOutOfBoundsException expected) {
                // as NativeSocket.send's region check
            }
            a.setTimeout(0.0);
            String big = bytesText(8 * 1024 * 1024, 7);
            int sent = PyStringIo.send(a, big, 0, big.length(), 0, false);
            assertTrue(sent > 0 && sent < big.length());
            assertEquals("a full non-blocking socket: EAGAIN", 11,
                    Net.expectError(() -> PyStringIo.send(a, big, 0, big.length(), 0, false)).errno());
            a.close();
            assertEquals(9, Net.expectError(() -> PyStringIo.send(a, "x", 0, 1, 0, false)).errno());
        }
    }
}
