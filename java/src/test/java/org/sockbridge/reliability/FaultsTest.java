package org.sockbridge.reliability;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.sockbridge.SocketConstants.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.sockbridge.NativeSocket;
import org.sockbridge.SocketError;
import org.sockbridge.TlsError;
import org.sockbridge.TlsSocket;

/**
 * Faults on real loopback connections: a peer that resets mid-transfer, half-closes, vanishes
 * during a TLS handshake, sends truncated or damaged TLS records, or trickles one byte at a time.
 * Every case must end in the documented error or with complete, identical data — within a bound
 * (each socket has a timeout far above what the case needs, and the elapsed time is checked so
 * that a timeout is never mistaken for the documented error).
 *
 * <p>Loss and delay made by the kernel (a network namespace with {@code tc netem}) are in
 * tests/reliability/run.py: a JVM cannot move itself into another namespace.
 */
public class FaultsTest {
    static final int ECONNRESET = 104;
    static final int EPIPE = 32;
    static final double GUARD = 20.0; // seconds: a socket timeout no case should ever reach

    static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    });

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void lingerZero(NativeSocket s) throws SocketError {
        byte[] l = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(1).putInt(0).array();
        s.setSockOpt(SOL_SOCKET, SO_LINGER, l);
    }

    /** Reads until EOF or an error; returns what came and the error (or null at EOF). */
    static Object[] drain(NativeSocket s) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[7919];
        try {
            while (true) {
                int n = s.recv(buf, 0, buf.length, 0);
                if (n == 0) {
                    return new Object[] {got.toByteArray(), null};
                }
                got.write(buf, 0, n);
            }
        } catch (SocketError e) {
            return new Object[] {got.toByteArray(), e};
        }
    }

    static void assertPrefix(byte[] sent, byte[] got) {
        assertTrue("received more than was sent", got.length <= sent.length);
        assertArrayEquals("received bytes differ from the sent prefix", Arrays.copyOf(sent, got.length), got);
    }

    static void modeOf(NativeSocket s, int mode) throws SocketError {
        s.setTimeout(mode == 0 ? null : GUARD);
    }

    // ---- reset ------------------------------------------------------------------------------

    /** The peer closes with SO_LINGER {1, 0} while data is in flight to us: ECONNRESET, never a hang. */
    @Test(timeout = 60_000)
    public void resetWhileReceiving() throws Exception {
        for (int mode = 0; mode < 2; mode++) {
            try (NativeSocket l = Rel.listener()) {
                NativeSocket[] p = Rel.tcpPair(l);
                modeOf(p[0], mode);
                byte[] data = random(200_000, mode);
                // The server writes what fits, then resets the connection.
                p[1].setTimeout(0.0);
                int sent = 0;
                try {
                    while (sent < data.length) {
                        sent += p[1].send(data, sent, data.length - sent, 0);
                    }
                } catch (SocketError full) {
                    assertEquals(11, full.errno());
                }
                byte[] first = new byte[1000];
                int n = p[0].recv(first, 0, first.length, 0);
                assertTrue(n > 0);
                lingerZero(p[1]);
                p[1].close();
                long t0 = System.nanoTime();
                Object[] rest = drain(p[0]);
                double secs = (System.nanoTime() - t0) / 1e9;
                p[0].close();
                SocketError e = (SocketError) rest[1];
                assertTrue("mode " + mode + ": expected ECONNRESET, got " + (e == null ? "EOF" : e), e != null && e.errno() == ECONNRESET);
                assertTrue("took " + secs + " s", secs < GUARD / 2);
                byte[] all = new byte[n + ((byte[]) rest[0]).length];
                System.arraycopy(first, 0, all, 0, n);
                System.arraycopy(rest[0], 0, all, n, ((byte[]) rest[0]).length);
                assertPrefix(data, all);
            }
        }
    }

    /** We keep sending to a peer that resets: ECONNRESET or EPIPE, never a hang or a crash (no SIGPIPE). */
    @Test(timeout = 60_000)
    public void resetWhileSending() throws Exception {
        for (int mode = 0; mode < 2; mode++) {
            try (NativeSocket l = Rel.listener()) {
                NativeSocket[] p = Rel.tcpPair(l);
                modeOf(p[0], mode);
                NativeSocket server = p[1];
                Future<?> killer = POOL.submit(() -> {
                    byte[] buf = new byte[4096];
                    server.recv(buf, 0, buf.length, 0);
                    lingerZero(server);
                    server.close();
                    return null;
                });
                byte[] chunk = random(65536, 7);
                SocketError err = null;
                long t0 = System.nanoTime();
                try {
                    for (int i = 0; i < 10_000; i++) {
                        p[0].sendAll(chunk);
                    }
                } catch (SocketError e) {
                    err = e;
                }
                killer.get(10, TimeUnit.SECONDS);
                p[0].close();
                assertTrue("mode " + mode + ": sending to a reset peer gave " + err,
                        err != null && (err.errno() == ECONNRESET || err.errno() == EPIPE));
                assertTrue((System.nanoTime() - t0) / 1e9 < GUARD / 2);
            }
        }
    }

    // ---- half-close ----------------------------------------------------------------------

    /** shutdown(SHUT_WR): the peer reads everything then EOF, and can still answer in full. */
    @Test(timeout = 60_000)
    public void halfClose() throws Exception {
        for (int mode = 0; mode < 3; mode++) {
            try (NativeSocket l = Rel.listener()) {
                NativeSocket[] p = Rel.tcpPair(l);
                NativeSocket c = p[0];
                NativeSocket s = p[1];
                c.setTimeout(GUARD);
                s.setTimeout(mode == 0 ? null : mode == 1 ? GUARD : 0.0);
                byte[] request = random(300_000, 11 + mode);
                byte[] answer = random(123_457, 13 + mode);
                Future<byte[]> server = POOL.submit(() -> {
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    byte[] buf = new byte[4096];
                    while (true) {
                        int n;
                        try {
                            n = s.recv(buf, 0, buf.length, 0);
                        } catch (SocketError e) {
                            if (e.errno() != 11) {
                                throw e;
                            }
                            org.sockbridge.Poller.select(Arrays.asList(s), Arrays.asList(), Arrays.asList(), GUARD);
                            continue;
                        }
                        if (n == 0) {
                            break;
                        }
                        got.write(buf, 0, n);
                    }
                    s.setTimeout(GUARD);
                    s.sendAll(answer);
                    s.close();
                    return got.toByteArray();
                });
                c.sendAll(request);
                c.shutdown(SHUT_WR);
                Object[] back = drain(c);
                c.close();
                assertEquals("mode " + mode + ": the answer ends in EOF", null, back[1]);
                assertArrayEquals("mode " + mode + ": answer", answer, (byte[]) back[0]);
                assertArrayEquals("mode " + mode + ": request", request, server.get(30, TimeUnit.SECONDS));
            }
        }
    }

    // ---- TLS: a relay between the two sessions lets the test damage the bytes ------------------

    /** client TLS on a[0]; a[1] <-> b[1] is the wire the test controls; server TLS on b[0]. */
    static final class Wire implements AutoCloseable {
        final NativeSocket[] a;
        final NativeSocket[] b;
        final TlsSocket client;
        final TlsSocket server;

        Wire() throws Exception {
            a = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
            b = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
            for (NativeSocket s : new NativeSocket[] {a[0], a[1], b[0], b[1]}) {
                s.setTimeout(0.0);
            }
            client = Rel.clientContext().wrap(a[0], "localhost");
            server = Rel.serverContext().accept(b[0]);
        }

        /** Moves what is waiting from one wire end to the other, at most {@code max} bytes. */
        static int pump(NativeSocket from, NativeSocket to, int max) throws SocketError {
            byte[] buf = new byte[Math.min(max, 65536)];
            int n;
            try {
                n = from.recv(buf, 0, buf.length, 0);
            } catch (SocketError e) {
                if (e.errno() == 11) {
                    return 0;
                }
                throw e;
            }
            if (n > 0) {
                to.setTimeout(GUARD);
                to.sendAll(buf, 0, n, 0);
                to.setTimeout(0.0);
            }
            return n;
        }

        /** Runs both handshakes over the wire, {@code step} bytes at a time in each direction. */
        void handshake(int step) throws Exception {
            boolean cd = false;
            boolean sd = false;
            for (int i = 0; i < 200_000 && !(cd && sd); i++) {
                cd = cd || LeakSoakTest.step(client);
                pump(a[1], b[1], step);
                sd = sd || LeakSoakTest.step(server);
                pump(b[1], a[1], step);
            }
            assertTrue("handshake did not finish", cd && sd);
        }

        /** Everything the server's write put on the wire (the server side is non-blocking). */
        byte[] serverRecords(byte[] plain) throws Exception {
            int off = 0;
            while (off < plain.length) {
                try {
                    off += server.write(plain, off, plain.length - off);
                } catch (TlsError e) {
                    if (e.reason() != TlsError.Reason.WANT_WRITE) {
                        throw e;
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            long until = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < until) {
                try {
                    int n = b[1].recv(buf, 0, buf.length, 0);
                    out.write(buf, 0, n);
                    until = System.nanoTime() + 200_000_000L;
                } catch (SocketError e) {
                    if (e.errno() != 11) {
                        throw e;
                    }
                    Thread.sleep(1);
                }
            }
            return out.toByteArray();
        }

        /** The client reads until close, error or {@code want} bytes; returns bytes and the error. */
        Object[] clientRead(int want) throws Exception {
            a[0].setTimeout(GUARD);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            try {
                while (got.size() < want) {
                    int n = client.read(buf, 0, buf.length);
                    if (n == 0) {
                        return new Object[] {got.toByteArray(), null};
                    }
                    got.write(buf, 0, n);
                }
                return new Object[] {got.toByteArray(), null};
            } catch (SocketError e) {
                return new Object[] {got.toByteArray(), e};
            }
        }

        @Override
        public void close() {
            client.close();
            server.close();
            a[1].close();
            b[1].close();
        }
    }

    /** The server vanishes (close, or reset) after reading part of the ClientHello: the client's handshake fails at once. */
    @Test(timeout = 60_000)
    public void peerVanishesDuringHandshake() throws Exception {
        for (int reset = 0; reset < 2; reset++) {
            for (int side = 0; side < 2; side++) {
                try (NativeSocket l = Rel.listener()) {
                    NativeSocket[] p = Rel.tcpPair(l);
                    NativeSocket mine = side == 0 ? p[0] : p[1];
                    NativeSocket peer = side == 0 ? p[1] : p[0];
                    mine.setTimeout(GUARD);
                    TlsSocket t = side == 0 ? Rel.clientContext().wrap(mine, "localhost") : Rel.serverContext().accept(mine);
                    final int r = reset;
                    final int sd = side;
                    Future<?> vanish = POOL.submit(() -> {
                        if (sd == 0) {
                            byte[] buf = new byte[10];
                            peer.recv(buf, 0, buf.length, 0); // part of the ClientHello
                        } else {
                            peer.sendAll(new byte[] {22, 3, 1, 0, (byte) 200, 1, 0}); // a ClientHello that stops
                        }
                        Thread.sleep(50);
                        if (r == 1) {
                            lingerZero(peer);
                        }
                        peer.close();
                        return null;
                    });
                    long t0 = System.nanoTime();
                    try {
                        t.handshake();
                        fail("handshake succeeded with a vanished peer");
                    } catch (TlsError e) {
                        assertTrue("reset=" + reset + " side=" + side + ": " + e,
                                reset == 0 && e.reason() == TlsError.Reason.UNEXPECTED_EOF_WHILE_READING);
                    } catch (SocketError e) {
                        assertTrue("reset=" + reset + " side=" + side + ": " + e, e.errno() == ECONNRESET);
                    } finally {
                        t.close();
                    }
                    assertTrue((System.nanoTime() - t0) / 1e9 < GUARD / 2);
                    vanish.get(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** A record cut short and then EOF: UNEXPECTED_EOF, and only whole records' data is delivered. */
    @Test(timeout = 60_000)
    public void truncatedRecord() throws Exception {
        byte[] plain = random(40_000, 21);
        for (int cutAt : new int[] {1, 4, 5, 6, 100, 16_000, 30_000}) {
            try (Wire w = new Wire()) {
                w.handshake(65536);
                byte[] wire = w.serverRecords(plain);
                int cut = Math.min(cutAt, wire.length - 1);
                w.a[1].setTimeout(GUARD);
                w.a[1].sendAll(Arrays.copyOf(wire, cut));
                w.a[1].shutdown(SHUT_WR);
                Object[] got = w.clientRead(plain.length);
                assertPrefix(plain, (byte[]) got[0]);
                assertTrue("cut at " + cut + ": got " + ((byte[]) got[0]).length + " bytes then " + got[1],
                        got[1] instanceof TlsError && ((TlsError) got[1]).reason() == TlsError.Reason.UNEXPECTED_EOF_WHILE_READING);
            }
        }
    }

    /** Damaged records (a flipped byte, garbage) are refused: an error, never altered data. */
    @Test(timeout = 60_000)
    public void damagedRecords() throws Exception {
        byte[] plain = random(40_000, 22);
        Random r = new Random(23);
        for (int trial = 0; trial < 12; trial++) {
            try (Wire w = new Wire()) {
                w.handshake(65536);
                byte[] wire = w.serverRecords(plain);
                byte[] bad;
                if (trial < 8) {
                    bad = wire.clone();
                    int at = trial == 0 ? 0 : trial == 1 ? 3 : 5 + r.nextInt(wire.length - 5);
                    bad[at] ^= (byte) (1 + r.nextInt(255));
                } else {
                    bad = random(1000 + trial, trial);
                }
                w.a[1].setTimeout(GUARD);
                w.a[1].sendAll(bad);
                w.a[1].shutdown(SHUT_WR);
                Object[] got = w.clientRead(plain.length);
                assertPrefix(plain, (byte[]) got[0]);
                assertTrue("trial " + trial + ": damaged records must fail, got " + ((byte[]) got[0]).length + " bytes, " + got[1],
                        got[1] instanceof TlsError && ((TlsError) got[1]).reason() != TlsError.Reason.WANT_READ);
            }
        }
    }

    /** Handshake and data delivered one byte at a time in each direction: complete, identical data. */
    @Test(timeout = 120_000)
    public void tlsOneByteAtATime() throws Exception {
        byte[] plain = random(20_000, 31);
        try (Wire w = new Wire()) {
            w.handshake(1);
            byte[] wire = w.serverRecords(plain);
            Future<?> trickle = POOL.submit(() -> {
                w.a[1].setTimeout(GUARD);
                for (byte x : wire) {
                    w.a[1].sendAll(new byte[] {x});
                }
                return null;
            });
            Object[] got = w.clientRead(plain.length);
            trickle.get(60, TimeUnit.SECONDS);
            assertEquals(null, got[1]);
            assertArrayEquals(plain, (byte[]) got[0]);
        }
    }

    /** A slow plain peer: 1 byte per send with pauses; each mode's reader gets it all, in order. */
    @Test(timeout = 120_000)
    public void slowPeerOneByteAtATime() throws Exception {
        byte[] msg = random(1500, 41);
        for (int mode = 0; mode < 3; mode++) {
            try (NativeSocket l = Rel.listener()) {
                NativeSocket[] p = Rel.tcpPair(l);
                NativeSocket reader = p[0];
                NativeSocket writer = p[1];
                writer.setSockOpt(IPPROTO_TCP, TCP_NODELAY, 1);
                reader.setTimeout(mode == 0 ? null : mode == 1 ? GUARD : 0.0);
                Future<?> slow = POOL.submit(() -> {
                    for (int i = 0; i < msg.length; i++) {
                        writer.sendAll(msg, i, 1, 0);
                        if (i % 50 == 0) {
                            Thread.sleep(2);
                        }
                    }
                    writer.close();
                    return null;
                });
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[4096];
                int reads = 0;
                while (true) {
                    int n;
                    try {
                        n = reader.recv(buf, 0, buf.length, 0);
                    } catch (SocketError e) {
                        assertEquals(11, e.errno());
                        org.sockbridge.Poller.select(Arrays.asList(reader), Arrays.asList(), Arrays.asList(), GUARD);
                        continue;
                    }
                    reads++;
                    if (n == 0) {
                        break;
                    }
                    got.write(buf, 0, n);
                }
                slow.get(60, TimeUnit.SECONDS);
                reader.close();
                assertArrayEquals("mode " + mode, msg, got.toByteArray());
                assertTrue("mode " + mode + ": the data did come in pieces (" + reads + " reads)", reads > 2);
            }
        }
    }

    static {
        // A TLS context per test would be slow to build; make sure the certificates exist up front.
        try {
            Rel.cert("server.pem");
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError("test certificates missing (run gradle testCerts): " + e);
        }
    }
}
