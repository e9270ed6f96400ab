package org.sockbridge.reliability;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.sockbridge.SocketConstants.*;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.junit.Test;
import org.sockbridge.NativeSocket;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketError;
import org.sockbridge.TlsContext;
import org.sockbridge.TlsError;
import org.sockbridge.TlsSocket;

/**
 * Leak soak: many open/close cycles, connect/accept pairs and TLS handshakes, after which the
 * process must hold what it held before.
 *
 * <p>What is measured, after a warm-up of a fifth of the run (so the JVM's heap, JIT and lazily
 * opened files have settled), and again after the run:
 * <ul>
 * <li>open fds (/proc/self/fd): must be the same set;
 * <li>live native handles, socket and TLS tables: the registry (src/core/registry.rs) reuses
 *     freed slots first, so when {@link #PROBE} new handles are made at once the highest slot is
 *     {@code live + PROBE - 1}: the number of live handles, seen from Java. Must not grow;
 * <li>RSS (VmRSS): may grow by at most {@link #RSS_SLACK_KB} over the run (heap and malloc arenas
 *     settle within that; a leak of 1 KiB per cycle would exceed it in the full run).
 * </ul>
 *
 * <p>Sizes: CI runs 20,000 open/close cycles, 2,000 connect/accept pairs and 300 TLS
 * handshakes; {@code -Dsockbridge.soak.full=true} runs the full 100,000 / 10,000 / 10,000.
 */
public class LeakSoakTest {
    static final boolean FULL = Boolean.getBoolean("sockbridge.soak.full");
    static final int PROBE = 1000;
    static final long RSS_SLACK_KB = 32 * 1024;

    /** Live handles in the socket table, as the highest slot of PROBE new handles shows it. */
    static int liveSockets() throws SocketError {
        List<NativeSocket> held = new ArrayList<>();
        int max = -1;
        try {
            for (int i = 0; i < PROBE; i++) {
                NativeSocket s = NativeSocket.create(AF_INET, SOCK_DGRAM);
                held.add(s);
                max = Math.max(max, (int) (Rel.handleOf(s) & 0xffff_ffffL));
            }
        } finally {
            for (NativeSocket s : held) {
                s.close();
            }
        }
        return max - PROBE + 1;
    }

    /** Live handles in the TLS session table, measured the same way (sessions not yet handshaken). */
    static int liveSessions(TlsContext ctx) throws Exception {
        List<TlsSocket> held = new ArrayList<>();
        int max = -1;
        try {
            for (int i = 0; i < PROBE; i++) {
                NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM);
                TlsSocket t = ctx.wrap(s, "localhost");
                held.add(t);
                max = Math.max(max, (int) (Rel.handleOf(t) & 0xffff_ffffL));
            }
        } finally {
            for (TlsSocket t : held) {
                t.close();
            }
        }
        return max - PROBE + 1;
    }

    interface Cycle {
        void run(int i) throws Exception;
    }

    /** Runs warm-up, measures, runs, measures; asserts fds, handles and RSS; returns the line reported. */
    static String soak(String what, int count, Cycle cycle, TlsContext probeCtx) throws Exception {
        for (int i = 0; i < count / 5; i++) {
            cycle.run(i);
        }
        // One probe first: the first TLS session or lookup may open a file or socket the C library
        // keeps for the process's life; that is not a leak of ours.
        liveSockets();
        liveSessions(probeCtx);
        Rel.settle();
        TreeMap<Integer, String> fds0 = Rel.fdTable();
        int socks0 = liveSockets();
        int tls0 = liveSessions(probeCtx);
        Rel.settle();
        long rss0 = Rel.rssKb();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            cycle.run(i);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Rel.settle();
        long rss1 = Rel.rssKb();
        int socks1 = liveSockets();
        int tls1 = liveSessions(probeCtx);
        TreeMap<Integer, String> fds1 = Rel.fdTable();
        String line = what + ": " + count + " in " + ms + " ms; fds " + fds0.size() + " -> " + fds1.size()
                + "; live socket handles " + socks0 + " -> " + socks1 + "; live TLS sessions " + tls0 + " -> " + tls1
                + "; RSS " + rss0 + " -> " + rss1 + " KiB";
        System.out.println(line);
        assertEquals(line + ": fds differ " + Rel.fdDiff(fds0, fds1), new ArrayList<String>(), Rel.fdDiff(fds0, fds1));
        assertTrue(line + ": socket handles leaked", socks1 <= socks0);
        assertTrue(line + ": TLS sessions leaked", tls1 <= tls0);
        assertTrue(line + ": RSS grew by more than " + RSS_SLACK_KB + " KiB", rss1 - rss0 <= RSS_SLACK_KB);
        return line;
    }

    @Test(timeout = 20 * 60 * 1000)
    public void openCloseCycles() throws Exception {
        int n = FULL ? 100_000 : 20_000;
        TlsContext ctx = TlsContext.client(org.sockbridge.TlsPolicy.insecureAcceptAnyCertificate());
        soak("open/close", n, i -> {
            switch (i % 6) {
                case 0:
                    NativeSocket.create(AF_INET, SOCK_STREAM).close();
                    break;
                case 1: {
                    NativeSocket s = NativeSocket.create(AF_INET, SOCK_DGRAM);
                    s.bind(SockAddr.inet("127.0.0.1", 0));
                    s.close();
                    break;
                }
                case 2:
                    NativeSocket.create(AF_INET6, SOCK_STREAM).close();
                    break;
                case 3: {
                    NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
                    p[0].close();
                    p[1].close();
                    break;
                }
                case 4: {
                    NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM);
                    NativeSocket d = s.dup();
                    s.close();
                    d.close();
                    break;
                }
                default: {
                    NativeSocket s = Rel.listener();
                    s.close();
                }
            }
        }, ctx);
    }

    @Test(timeout = 20 * 60 * 1000)
    public void connectAcceptPairs() throws Exception {
        int n = FULL ? 10_000 : 2_000;
        TlsContext ctx = TlsContext.client(org.sockbridge.TlsPolicy.insecureAcceptAnyCertificate());
        try (NativeSocket l = Rel.listener()) {
            byte[] one = {42};
            soak("connect/accept", n, i -> {
                NativeSocket[] p = Rel.tcpPair(l);
                try {
                    p[0].sendAll(one);
                    byte[] got = p[1].recv(1, 0);
                    assertArrayEquals(one, got);
                } finally {
                    // The server side closes first on odd rounds, the client on even ones.
                    p[i & 1].close();
                    p[1 - (i & 1)].close();
                }
            }, ctx);
        }
    }

    @Test(timeout = 30 * 60 * 1000)
    public void tlsHandshakes() throws Exception {
        int n = FULL ? 10_000 : 300;
        TlsContext server = Rel.serverContext();
        TlsContext client = Rel.clientContext();
        byte[] ping = "ping".getBytes("UTF-8");
        try (NativeSocket l = Rel.listener()) {
            soak("TLS handshakes", n, i -> {
                NativeSocket[] p = Rel.tcpPair(l);
                p[0].setTimeout(0.0);
                p[1].setTimeout(0.0);
                TlsSocket c = client.wrap(p[0], "localhost");
                TlsSocket s = server.accept(p[1]);
                try {
                    boolean cd = false;
                    boolean sd = false;
                    long until = System.nanoTime() + 10_000_000_000L;
                    while (!(cd && sd) && System.nanoTime() < until) {
                        cd = cd || step(c);
                        sd = sd || step(s);
                        if (!(cd && sd)) {
                            org.sockbridge.Poller.select(java.util.Arrays.asList(p[0], p[1]),
                                    java.util.Collections.emptyList(), java.util.Collections.emptyList(), 0.01);
                        }
                    }
                    assertTrue("handshake did not finish", cd && sd);
                    c.write(ping, 0, ping.length);
                    byte[] buf = new byte[8];
                    int got = -1;
                    for (long until2 = System.nanoTime() + 10_000_000_000L; got < 0 && System.nanoTime() < until2;) {
                        try {
                            got = s.read(buf, 0, buf.length);
                        } catch (TlsError e) {
                            if (e.reason() != TlsError.Reason.WANT_READ) {
                                throw e;
                            }
                            org.sockbridge.Poller.select(java.util.Arrays.asList(p[1]),
                                    java.util.Collections.emptyList(), java.util.Collections.emptyList(), 0.01);
                        }
                    }
                    assertEquals(4, got);
                } finally {
                    c.close();
                    s.close();
                }
            }, client);
        }
    }

    static boolean step(TlsSocket t) throws SocketError {
        try {
            t.handshake();
            return true;
        } catch (TlsError e) {
            if (e.reason() == TlsError.Reason.WANT_READ || e.reason() == TlsError.Reason.WANT_WRITE) {
                return false;
            }
            throw e;
        }
    }
}
