package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * TLS writes, OpenSSL's way: a non-blocking write reports bytes only once their records have
 * reached the kernel (want-write until then; the caller retries with the same buffer), and no
 * write copies the caller's array into native memory, whatever its size.
 */
public class TlsWriteTest {
    /** A handshaken TCP pair, writer {@code [0]} with a small send buffer, reader {@code [1]}. */
    private static TlsSocket[] pair() throws Exception {
        NativeSocket[] s = Net.tcpPair();
        s[0].setSockOpt(SOL_SOCKET, SO_SNDBUF, 16 * 1024);
        s[1].setSockOpt(SOL_SOCKET, SO_RCVBUF, 16 * 1024);
        s[0].setTimeout(10.0);
        s[1].setTimeout(30.0);
        TlsContext server = TlsContext.server(Tls.serverPolicy("server"));
        Future<TlsSocket> accepted = Net.async(() -> {
            TlsSocket t = server.accept(s[1]);
            t.handshake();
            return t;
        });
        TlsSocket client = TlsContext.client(Tls.trustingTestCa()).wrap(s[0], "localhost");
        client.handshake();
        return new TlsSocket[] {client, accepted.get(10, TimeUnit.SECONDS)};
    }

    /** Reads exactly {@code n} bytes on another thread; returns their SHA-256. */
    private static Future<byte[]> drain(TlsSocket t, long n) {
        return Net.async(() -> {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            while (got < n) {
                int k = t.read(buf, 0, (int) Math.min(buf.length, n - got));
                if (k == 0) {
                    throw new AssertionError("end of stream after " + got + " of " + n + " bytes");
                }
                md.update(buf, 0, k);
                got += k;
            }
            return md.digest();
        });
    }

    private static TlsError.Reason reasonOf(Net.Action a) throws Exception {
        SocketError e = Net.expectError(a);
        assertTrue("a TlsError: " + e, e instanceof TlsError);
        return ((TlsError) e).reason();
    }

    private static void waitWritable(TlsSocket t) throws Exception {
        Poller.Selected ready = Poller.select(List.of(), List.of(t.socket()), List.of(), 10.0);
        assertEquals("writable within 10 s", 1, ready.write.size());
    }

    @Test
    public void nonBlockingWriteReportsOnlyWhatReachedTheKernel() throws Exception {
        TlsSocket[] t = pair();
        try {
            byte[] data = new byte[4 << 20];
            new Random(8).nextBytes(data);
            t[0].socket().setBlocking(false);
            // The reader is paused: nothing of the write may be claimed as sent.
            assertEquals(TlsError.Reason.WANT_WRITE, reasonOf(() -> t[0].write(data, 0, data.length)));
            Future<byte[]> digest = drain(t[1], data.length);
            while (true) {
                try {
                    assertEquals("all or want-write, never a part", data.length, t[0].write(data, 0, data.length));
                    break;
                } catch (TlsError e) {
                    assertEquals(TlsError.Reason.WANT_WRITE, e.reason());
                    waitWritable(t[0]);
                }
            }
            // Reported as sent: every byte reaches the reader with no further call here.
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest.get(30, TimeUnit.SECONDS));
        } finally {
            t[0].close();
            t[1].close();
        }
    }

    @Test
    public void aShorterRetryIsBadLengthAndTheSameBufferGoesOn() throws Exception {
        TlsSocket[] t = pair();
        try {
            byte[] data = new byte[1 << 20];
            Arrays.fill(data, (byte) 0x5a);
            t[0].socket().setBlocking(false);
            assertEquals(TlsError.Reason.WANT_WRITE, reasonOf(() -> t[0].write(data, 0, data.length)));
            assertEquals(TlsError.Reason.BAD_LENGTH, reasonOf(() -> t[0].write(data, 0, 10)));
            Future<byte[]> digest = drain(t[1], data.length);
            int n;
            while (true) {
                try {
                    n = t[0].write(data, 0, data.length);
                    break;
                } catch (TlsError e) {
                    assertEquals(TlsError.Reason.WANT_WRITE, e.reason());
                    waitWritable(t[0]);
                }
            }
            assertEquals(data.length, n);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest.get(30, TimeUnit.SECONDS));
        } finally {
            t[0].close();
            t[1].close();
        }
    }

    /**
     * Writes {@code data} as a caller holding one window at a time does: each call lends a copy
     * of one window; returns the write's length, or throws want-write.
     */
    private static int writeInWindows(TlsSocket t, byte[] data, int window) throws Exception {
        byte[] w = new byte[window];
        int pos = 0;
        while (true) {
            int n = Math.min(window, data.length - pos);
            System.arraycopy(data, pos, w, 0, n);
            Arrays.fill(w, n, window, (byte) 0x77); // past the write's end: never sent
            int r = t.writeWindow(w, 0, window, pos, data.length);
            if (r == data.length) {
                return r;
            }
            assertNotEquals("asked again for the window it had", pos, r);
            assertTrue("a position inside the write: " + r, r >= 0 && r < data.length);
            pos = r;
        }
    }

    @Test
    public void aWindowedWriteResumesWhereItStopped() throws Exception {
        TlsSocket[] t = pair();
        try {
            byte[] data = new byte[3 << 20];
            new Random(9).nextBytes(data);
            t[0].socket().setBlocking(false);
            // The reader is paused: the write stops with want-write, having taken some windows.
            assertEquals(TlsError.Reason.WANT_WRITE, reasonOf(() -> writeInWindows(t[0], data, 65536)));
            Future<byte[]> digest = drain(t[1], data.length + 3);
            while (true) {
                try {
                    // Each retry starts at position 0 and is sent on to where the write stopped;
                    // a window size that is no divisor of 64 KiB crosses the encryption steps.
                    assertEquals(data.length, writeInWindows(t[0], data, 50_000));
                    break;
                } catch (TlsError e) {
                    assertEquals(TlsError.Reason.WANT_WRITE, e.reason());
                    waitWritable(t[0]);
                }
            }
            t[0].socket().setBlocking(true);
            assertEquals(3, writeInWindows(t[0], new byte[] {1, 2, 3}, 65536));
            assertEquals(0, t[0].writeWindow(new byte[0], 0, 0, 0, 0));
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data);
            md.update(new byte[] {1, 2, 3});
            assertArrayEquals("every byte once, in order", md.digest(), digest.get(30, TimeUnit.SECONDS));
            assertThrows(IllegalArgumentException.class, () -> t[0].writeWindow(new byte[1], 0, 1, 5, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> t[0].writeWindow(new byte[1], 0, 2, 0, 2));
        } finally {
            t[0].close();
            t[1].close();
        }
    }

    private static long highWaterMarkKb() throws Exception {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmHWM in /proc/self/status");
    }

    @Test
    public void aLargeWriteMakesNoNativeCopyOfTheArray() throws Exception {
        TlsSocket[] t = pair();
        try {
            // Under -Xcheck:jni the JVM lends native code a guarded copy of the whole array at
            // every call (each 64 KiB step copies all of it): there, only the data is checked,
            // over 8 MiB.
            boolean checked = PeakMemory.checkedJni();
            byte[] data = new byte[checked ? 8 << 20 : 256 << 20];
            for (int i = 0; i < data.length; i += 4096) {
                data[i] = (byte) (i >>> 12);
            }
            Future<byte[]> digest = drain(t[1], data.length);
            t[0].socket().setTimeout(60.0);
            long before = highWaterMarkKb();
            t[0].writeAll(data);
            long grownMb = (highWaterMarkKb() - before) / 1024;
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest.get(60, TimeUnit.SECONDS));
            // A copy of the array would add its 256 MiB to the process's peak memory.
            if (!checked) {
                assertTrue("peak memory grew by " + grownMb + " MiB during a 256 MiB write", grownMb < 96);
            }
        } finally {
            t[0].close();
            t[1].close();
        }
    }
}
