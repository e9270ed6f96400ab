package org.sockbridge.reliability;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.sockbridge.SocketConstants.*;

import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.sockbridge.Epoll;
import org.sockbridge.NativeSocket;
import org.sockbridge.SocketError;
import org.sockbridge.TlsError;
import org.sockbridge.TlsSocket;

/**
 * Integrity: a stream of seeded random bytes, written in random chunk sizes (1 byte to 256 KiB),
 * is echoed by a loopback server and read back in other random sizes; the SHA-256 of what was
 * sent, what the server saw and what came back must be equal, through each path: blocking,
 * timeout, non-blocking + epoll (the server) and TLS.
 *
 * <p>Size per path: {@code -Dsockbridge.integrity.bytes} (CI default 4 MiB, under -Xcheck:jni,
 * which copies every critical array; the full run is 1 GiB
 * without -Xcheck:jni: {@code -Dsockbridge.integrity.bytes=1073741824 -Dsockbridge.xcheckjni=false
 * -Dsockbridge.integrity.nodelay=true}).
 * The Jython side of the same check is tests/reliability/jy_integrity.py.
 */
public class IntegrityTest {
    static final long BYTES = Rel.prop("sockbridge.integrity.bytes", 4L << 20);
    static final long SEED = Rel.prop("sockbridge.integrity.seed", 20261130L);
    /** The client keeps at most this much unechoed, so neither side can block the other forever. */
    static final int WINDOW = (int) Rel.prop("sockbridge.integrity.window", 512 * 1024);

    static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    });

    /** One side's I/O, whatever the path. */
    interface Io {
        int write(byte[] b, int off, int len) throws Exception;

        /** Bytes read, 0 at EOF; blocks per the path's mode. */
        int read(byte[] b, int off, int len) throws Exception;
    }

    static Io plain(NativeSocket s) {
        return new Io() {
            @Override
            public int write(byte[] b, int off, int len) throws Exception {
                s.sendAll(b, off, len, 0);
                return len;
            }

            @Override
            public int read(byte[] b, int off, int len) throws Exception {
                return s.recv(b, off, len, 0);
            }
        };
    }

    static Io tls(TlsSocket t) {
        return new Io() {
            @Override
            public int write(byte[] b, int off, int len) throws Exception {
                int done = 0;
                while (done < len) {
                    done += t.write(b, off + done, len - done);
                }
                return len;
            }

            @Override
            public int read(byte[] b, int off, int len) throws Exception {
                return t.read(b, off, len);
            }
        };
    }

    /** Client: writes BYTES in random chunks with a bounded window, reads the echo; returns {sent, received} digests. */
    static byte[][] client(Io io) throws Exception {
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        Random data = new Random(SEED);
        Random sizes = new Random(SEED ^ 0x5eed);
        byte[] out = new byte[256 * 1024];
        byte[] in = new byte[256 * 1024];
        long written = 0;
        long read = 0;
        // Once WINDOW bytes are unechoed, read until at most half of it is (hysteresis): otherwise
        // the client settles into lockstep, writing only as much as its last read returned (a
        // TLS read returns at most one 16 KiB record), and the write sizes stop being random.
        boolean draining = false;
        while (read < BYTES) {
            if (written - read >= WINDOW) {
                draining = true;
            } else if (written - read <= WINDOW / 2) {
                draining = false;
            }
            if (written < BYTES && !draining) {
                int n = (int) Math.min(BYTES - written, 1 + sizes.nextInt(sizes.nextBoolean() ? 64 : out.length));
                n = (int) Math.min(n, WINDOW - (written - read));
                fill(data, out, n); // fresh random bytes for what is sent
                io.write(out, 0, n);
                sent.update(out, 0, n);
                written += n;
            } else {
                int want = 1 + sizes.nextInt(in.length);
                int n = io.read(in, 0, want);
                if (n == 0) {
                    throw new AssertionError("EOF after " + read + " of " + BYTES + " bytes");
                }
                got.update(in, 0, n);
                read += n;
            }
        }
        return new byte[][] {sent.digest(), got.digest()};
    }

    /** Fills {@code b[0, n)} with random bytes (4 per {@code nextInt}, as {@link Random#nextBytes} does). */
    static void fill(Random r, byte[] b, int n) {
        for (int i = 0; i < n;) {
            for (int v = r.nextInt(), k = Math.min(n - i, 4); k-- > 0; v >>= 8) {
                b[i++] = (byte) v;
            }
        }
    }

    /** Server: echoes until EOF; returns the digest of what it saw. */
    static byte[] echo(Io io) throws Exception {
        MessageDigest seen = MessageDigest.getInstance("SHA-256");
        Random sizes = new Random(SEED ^ 0xecc0);
        byte[] buf = new byte[256 * 1024];
        while (true) {
            int n = io.read(buf, 0, 1 + sizes.nextInt(buf.length));
            if (n == 0) {
                return seen.digest();
            }
            seen.update(buf, 0, n);
            io.write(buf, 0, n);
        }
    }

    /** Server over non-blocking sockets and epoll: partial sends kept and retried on EPOLLOUT. */
    static byte[] epollEcho(NativeSocket s) throws Exception {
        MessageDigest seen = MessageDigest.getInstance("SHA-256");
        s.setTimeout(0.0);
        byte[] buf = new byte[256 * 1024];
        int pendingOff = 0;
        int pendingLen = 0;
        try (Epoll ep = new Epoll()) {
            ep.register(s, EPOLLIN);
            boolean eof = false;
            while (!eof || pendingLen > 0) {
                List<int[]> ready = ep.poll(30.0, 4);
                if (ready.isEmpty()) {
                    throw new AssertionError("epoll: nothing ready for 30 s");
                }
                int ev = ready.get(0)[1];
                if ((ev & EPOLLOUT) != 0 && pendingLen > 0) {
                    try {
                        int n = s.send(buf, pendingOff, pendingLen, 0);
                        pendingOff += n;
                        pendingLen -= n;
                    } catch (SocketError e) {
                        if (e.errno() != 11) {
                            throw e;
                        }
                    }
                }
                if ((ev & (EPOLLIN | EPOLLHUP)) != 0 && pendingLen == 0 && !eof) {
                    try {
                        int n = s.recv(buf, 0, buf.length, 0);
                        if (n == 0) {
                            eof = true;
                        } else {
                            seen.update(buf, 0, n);
                            pendingOff = 0;
                            pendingLen = n;
                            try {
                                int m = s.send(buf, 0, n, 0);
                                pendingOff += m;
                                pendingLen -= m;
                            } catch (SocketError e) {
                                if (e.errno() != 11) {
                                    throw e;
                                }
                            }
                        }
                    } catch (SocketError e) {
                        if (e.errno() != 11) {
                            throw e;
                        }
                    }
                }
                // Wait for room while output is pending, for input otherwise.
                ep.modify(s, pendingLen > 0 ? EPOLLOUT : EPOLLIN);
            }
        }
        return seen.digest();
    }

    static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder();
        for (byte b : d) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

    void run(String path) throws Exception {
        long t0 = System.nanoTime();
        byte[][] digests;
        byte[] serverSaw;
        try (NativeSocket l = Rel.listener()) {
            NativeSocket[] p = Rel.tcpPair(l);
            NativeSocket c = p[0];
            NativeSocket s = p[1];
            Future<byte[]> server;
            Io clientIo;
            switch (path) {
                case "blocking":
                    c.setTimeout(null);
                    s.setTimeout(null);
                    server = POOL.submit(() -> echo(plain(s)));
                    clientIo = plain(c);
                    break;
                case "timeout":
                    c.setTimeout(30.0);
                    s.setTimeout(30.0);
                    server = POOL.submit(() -> echo(plain(s)));
                    clientIo = plain(c);
                    break;
                case "nonblocking+epoll":
                    c.setTimeout(30.0);
                    server = POOL.submit(() -> epollEcho(s));
                    clientIo = plain(c);
                    break;
                default: {
                    c.setTimeout(30.0);
                    s.setTimeout(30.0);
                    if (Boolean.getBoolean("sockbridge.integrity.nodelay")) {
                        c.setSockOpt(IPPROTO_TCP, TCP_NODELAY, 1);
                        s.setSockOpt(IPPROTO_TCP, TCP_NODELAY, 1);
                    }
                    TlsSocket st = Rel.serverContext().accept(s);
                    TlsSocket ct = Rel.clientContext().wrap(c, "localhost");
                    server = POOL.submit(() -> {
                        st.handshake();
                        byte[] d = echo(tls(st));
                        return d;
                    });
                    ct.handshake();
                    clientIo = tls(ct);
                    digests = client(clientIo);
                    ct.closeNotify();
                    serverSaw = server.get(60, TimeUnit.SECONDS);
                    ct.close();
                    st.close();
                    report(path, t0, digests, serverSaw);
                    return;
                }
            }
            try {
                digests = client(clientIo);
                c.shutdown(SHUT_WR);
                serverSaw = server.get(60, TimeUnit.SECONDS);
            } finally {
                c.close();
                s.close();
            }
        }
        report(path, t0, digests, serverSaw);
    }

    static void report(String path, long t0, byte[][] digests, byte[] serverSaw) {
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("integrity %s: %d bytes each way in %.1f s (%.0f MB/s), sha256 sent %s, server %s, back %s%n",
                path, BYTES, secs, BYTES / secs / 1e6, hex(digests[0]), hex(serverSaw), hex(digests[1]));
        assertEquals(path + ": the server saw other bytes", hex(digests[0]), hex(serverSaw));
        assertArrayEquals(path + ": the echo differs", digests[0], digests[1]);
    }

    @Test(timeout = 60 * 60 * 1000)
    public void blocking() throws Exception {
        run("blocking");
    }

    @Test(timeout = 60 * 60 * 1000)
    public void timeout() throws Exception {
        run("timeout");
    }

    @Test(timeout = 60 * 60 * 1000)
    public void nonBlockingEpoll() throws Exception {
        run("nonblocking+epoll");
    }

    @Test(timeout = 60 * 60 * 1000)
    public void tls() throws Exception {
        run("tls");
    }
}
