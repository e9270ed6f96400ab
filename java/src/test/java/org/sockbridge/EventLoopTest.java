package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/** {@link EventLoop} against real sockets: TCP, UDP, AF_UNIX, TLS; wake-ups; closing while registered. */
public class EventLoopTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    @After
    public void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static List<EventKey> selectUntilReady(EventLoop loop) throws SocketError {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            List<EventKey> r = loop.select(1000);
            if (!r.isEmpty()) {
                return new ArrayList<>(r);
            }
        }
        throw new AssertionError("nothing became ready in 10 s");
    }

    @Test
    public void tcpAcceptAndReadWithAttachments() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket listener = keep(Net.listener4());
        listener.setTimeout(0.0);
        EventKey lk = loop.register(listener, EventLoop.READ, "listener");
        assertTrue(loop.selectNow().isEmpty());

        NativeSocket client = keep(NativeSocket.create(AF_INET, SOCK_STREAM));
        client.connect(listener.getSockName());
        List<EventKey> r = selectUntilReady(loop);
        assertEquals(Arrays.asList(lk), r);
        assertTrue(lk.isReadable());
        assertFalse(lk.isWritable());
        assertEquals("listener", lk.attachment());

        NativeSocket served = keep(listener.accept().socket);
        served.setTimeout(0.0);
        EventKey sk = loop.register(served, EventLoop.READ, "conn-1");
        assertTrue("nothing sent yet", loop.select(50).isEmpty());
        client.sendAll(bytes("ping"));
        r = selectUntilReady(loop);
        assertEquals(Arrays.asList(sk), r);
        assertEquals("conn-1", r.get(0).attachment());
        assertSame(served, r.get(0).socket());
        byte[] buf = new byte[16];
        assertEquals(4, served.recv(buf, 0, buf.length, 0));
        assertTrue("level-triggered: drained, not ready", loop.select(50).isEmpty());

        // The peer's close: readable, recv gives 0.
        client.close();
        r = selectUntilReady(loop);
        assertEquals(Arrays.asList(sk), r);
        assertEquals(0, served.recv(buf, 0, buf.length, 0));
    }

    @Test
    public void writeInterestFollowsTheSendBuffer() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket[] pair = Net.tcpPair();
        NativeSocket a = keep(pair[0]);
        NativeSocket b = keep(pair[1]);
        a.setTimeout(0.0);
        EventKey k = loop.register(a, EventLoop.WRITE, null);
        List<EventKey> r = loop.selectNow();
        assertEquals(Arrays.asList(k), r);
        assertTrue(k.isWritable());
        assertFalse(k.isReadable());
        // Fill the send buffer until EAGAIN.
        byte[] chunk = new byte[65536];
        long sent = 0;
        while (true) {
            try {
                sent += a.send(chunk, 0, chunk.length, 0);
            } catch (SocketError e) {
                assertEquals(11, e.errno());
                break;
            }
        }
        assertTrue(loop.select(100).isEmpty());
        // The peer reads everything: writable again.
        b.setTimeout(5.0);
        long got = 0;
        while (got < sent) {
            got += b.recv(chunk, 0, chunk.length, 0);
        }
        r = selectUntilReady(loop);
        assertEquals(Arrays.asList(k), r);
        assertTrue(k.isWritable());
        // READ|WRITE: both reported, and only what is interesting.
        k.interest(EventLoop.READ | EventLoop.WRITE);
        b.sendAll(bytes("x"));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!k.isReadable() && System.nanoTime() < end) {
            loop.select(100);
        }
        assertEquals(EventLoop.READ | EventLoop.WRITE, k.readyOps());
        k.interest(EventLoop.READ);
        assertEquals(EventLoop.READ, loop.selectNow().get(0).readyOps());
    }

    @Test
    public void udpDatagrams() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket server = keep(Net.udp4());
        NativeSocket client = keep(Net.udp4());
        server.setTimeout(0.0);
        EventKey k = loop.register(server, EventLoop.READ, "udp");
        client.sendTo(bytes("datagram"), server.getSockName());
        assertEquals(Arrays.asList(k), selectUntilReady(loop));
        byte[] buf = new byte[64];
        NativeSocket.Received got = server.recvFrom(buf, 0, buf.length, 0);
        assertEquals("datagram", new String(buf, 0, got.count, StandardCharsets.US_ASCII));
        assertEquals(client.getSockName(), got.address);
        assertTrue(loop.select(50).isEmpty());
    }

    @Test
    public void unixSockets() throws Exception {
        EventLoop loop = keep(new EventLoop());
        Path dir = Files.createTempDirectory("evloop");
        String path = dir.resolve("s").toString();
        try {
            NativeSocket listener = keep(NativeSocket.create(AF_UNIX, SOCK_STREAM));
            listener.bind(SockAddr.unix(path));
            listener.listen(4);
            listener.setTimeout(0.0);
            EventKey lk = loop.register(listener, EventLoop.READ, null);
            NativeSocket c = keep(NativeSocket.create(AF_UNIX, SOCK_STREAM));
            c.connect(SockAddr.unix(path));
            assertEquals(Arrays.asList(lk), selectUntilReady(loop));
            NativeSocket s = keep(listener.accept().socket);
            EventKey sk = loop.register(s, EventLoop.READ, "unix");
            c.sendAll(bytes("over AF_UNIX"));
            assertEquals(Arrays.asList(sk), selectUntilReady(loop));
            // A datagram socketpair too.
            NativeSocket[] dg = NativeSocket.pair(AF_UNIX, SOCK_DGRAM, 0);
            keep(dg[0]);
            keep(dg[1]);
            EventKey dk = loop.register(dg[1], EventLoop.READ, "dgram");
            dg[0].send(bytes("d"));
            List<EventKey> r = selectUntilReady(loop);
            assertTrue(r.toString(), r.contains(dk));
        } finally {
            new File(path).delete();
            Files.delete(dir);
        }
    }

    /**
     * TLS: after a small read, rustls holds the rest of the record as plaintext while the fd
     * has nothing more; the loop still reports the key readable until it is drained.
     */
    @Test
    public void tlsKeysReportBufferedPlaintext() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket listener = keep(Net.listener4());
        TlsContext serverCtx = TlsContext.server(Tls.serverPolicy("server"));
        Future<TlsSocket> accepted = Net.async(() -> {
            NativeSocket s = listener.accept().socket;
            s.setTimeout(10.0);
            TlsSocket t = serverCtx.accept(s);
            t.handshake();
            return t;
        });
        NativeSocket c = keep(NativeSocket.create(AF_INET, SOCK_STREAM));
        c.setTimeout(10.0);
        c.connect(listener.getSockName());
        TlsSocket client = TlsContext.client(Tls.trustingTestCa()).wrap(c, "localhost");
        client.handshake();
        TlsSocket server = accepted.get(10, TimeUnit.SECONDS);
        keep(server);
        keep(client);
        server.socket().setTimeout(0.0);
        EventKey k = loop.register(server, EventLoop.READ, "tls");
        assertSame(server, k.tls());
        assertTrue(loop.select(50).isEmpty());

        byte[] message = new byte[1000];
        Arrays.fill(message, (byte) 'm');
        client.writeAll(message);
        assertEquals(Arrays.asList(k), selectUntilReady(loop));
        byte[] small = new byte[10];
        assertEquals(10, server.read(small, 0, small.length));
        assertTrue("rustls holds the rest", server.pending() > 0);
        Poller.Selected fdOnly = Poller.select(Arrays.asList(server.socket()), List.of(), List.of(), 0.0);
        assertTrue("the fd alone shows nothing more", fdOnly.read.isEmpty());
        List<EventKey> r = loop.select(1000);
        assertEquals("buffered plaintext makes the key readable", Arrays.asList(k), r);
        assertTrue(k.isReadable());
        int total = 10;
        byte[] buf = new byte[4096];
        while (server.pending() > 0) {
            total += server.read(buf, 0, buf.length);
        }
        assertEquals(message.length, total);
        assertTrue("drained: nothing ready", loop.select(50).isEmpty());

        // And TLS writes through the loop.
        k.interest(EventLoop.WRITE);
        assertEquals(Arrays.asList(k), loop.selectNow());
        server.writeAll(bytes("reply"));
        assertEquals(5, client.read(buf, 0, buf.length));
    }

    @Test
    public void wakeupFromAnotherThread() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket s = keep(Net.udp4());
        loop.register(s, EventLoop.READ, null);
        long t0 = System.nanoTime();
        Future<List<EventKey>> blocked = Net.async(() -> new ArrayList<>(loop.select()));
        Thread.sleep(300);
        assertFalse("select waits", blocked.isDone());
        loop.wakeup();
        assertTrue(blocked.get(5, TimeUnit.SECONDS).isEmpty());
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(300));

        // A wake-up before select makes the next one return at once; several coalesce.
        loop.wakeup();
        loop.wakeup();
        loop.wakeup();
        long t1 = System.nanoTime();
        assertTrue(loop.select(5000).isEmpty());
        assertTrue("returned at once", System.nanoTime() - t1 < TimeUnit.SECONDS.toNanos(2));
        // ... and is used up: the next select waits its timeout.
        long t2 = System.nanoTime();
        assertTrue(loop.select(200).isEmpty());
        assertTrue(System.nanoTime() - t2 >= TimeUnit.MILLISECONDS.toNanos(190));
    }

    @Test
    public void closingTheLoopFromAnotherThreadEndsSelect() throws Exception {
        EventLoop loop = new EventLoop();
        NativeSocket s = keep(Net.udp4());
        EventKey k = loop.register(s, EventLoop.READ, null);
        Future<List<EventKey>> blocked = Net.async(() -> new ArrayList<>(loop.select()));
        Thread.sleep(200);
        loop.close();
        assertTrue(blocked.get(5, TimeUnit.SECONDS).isEmpty());
        assertFalse(k.isValid());
        assertTrue(loop.isClosed());
        try {
            loop.select(0);
            fail("select on a closed loop");
        } catch (IllegalStateException expected) {
            assertEquals("the event loop is closed", expected.getMessage());
        }
        s.fileno(); // the socket stays open
        loop.close();
    }

    /** A registered socket closed without cancelling: no events, the key goes, the fd number is reusable. */
    @Test
    public void closeWhileRegisteredLeavesNoStaleEvents() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket[] pair = Net.tcpPair();
        NativeSocket peer = keep(pair[0]);
        NativeSocket s = pair[1];
        int fd = s.fileno();
        NativeSocket listener = keep(Net.listener4());
        EventKey k = loop.register(s, EventLoop.READ, "old");
        peer.sendAll(bytes("unread data"));
        assertEquals(Arrays.asList(k), selectUntilReady(loop));
        s.close();
        assertTrue("no event for the closed socket", loop.select(100).isEmpty());
        assertFalse("the sweep cancelled the key", k.isValid());
        assertTrue(loop.keys().isEmpty());

        // A new socket on the same fd number registers cleanly and gets its own events.
        NativeSocket[] again = reuseFd(listener, fd);
        NativeSocket peer2 = keep(again[0]);
        NativeSocket t = keep(again[1]);
        EventKey k2 = loop.register(t, EventLoop.READ, "new");
        assertTrue(loop.select(100).isEmpty());
        peer2.sendAll(bytes("to the new one"));
        List<EventKey> r = selectUntilReady(loop);
        assertEquals(Arrays.asList(k2), r);
        assertEquals("new", r.get(0).attachment());
    }

    /** Closed and the fd reused before any select: register replaces the stale key. */
    @Test
    public void registerReplacesAStaleKeyForAReusedFd() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket listener = keep(Net.listener4());
        NativeSocket s = NativeSocket.create(AF_INET, SOCK_DGRAM);
        int fd = s.fileno();
        EventKey old = loop.register(s, EventLoop.READ, "old");
        s.close();
        NativeSocket[] again = reuseFd(listener, fd);
        keep(again[0]);
        NativeSocket t = keep(again[1]);
        EventKey k = loop.register(t, EventLoop.READ, "new");
        assertFalse(old.isValid());
        assertTrue(k.isValid());
        assertEquals(Arrays.asList(k), loop.keys());
        again[0].sendAll(bytes("x"));
        assertEquals(Arrays.asList(k), selectUntilReady(loop));
    }

    /**
     * {peer, socket}: a TCP connection to {@code listener} whose client end has fd {@code fd}
     * (the lowest free fd is reused; {@code listener} was made before {@code fd} was freed).
     */
    private static NativeSocket[] reuseFd(NativeSocket listener, int fd) throws Exception {
        List<NativeSocket> spare = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM);
                if (c.fileno() == fd) {
                    c.connect(listener.getSockName());
                    return new NativeSocket[] {listener.accept().socket, c};
                }
                spare.add(c); // something else took fd first: keep this one busy, try again
            }
        } finally {
            for (NativeSocket x : spare) {
                x.close();
            }
        }
        throw new AssertionError("fd " + fd + " was not reused");
    }

    @Test
    public void keyCloseCancelsThenCloses() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket s = Net.udp4();
        EventKey k = loop.register(s, EventLoop.READ, null);
        k.close();
        assertFalse(k.isValid());
        assertTrue(loop.keys().isEmpty());
        assertEquals(9, Net.expectError(s::fileno).errno());
        try {
            k.interest(EventLoop.WRITE);
            fail("a cancelled key");
        } catch (IllegalStateException expected) {
            assertEquals("the key is cancelled", expected.getMessage());
        }
    }

    @Test
    public void cancelKeepsTheSocketOpenAndAllowsRegisteringAgain() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket a = keep(Net.udp4());
        NativeSocket b = keep(Net.udp4());
        EventKey k = loop.register(a, EventLoop.READ, null);
        k.cancel();
        k.cancel();
        b.sendTo(bytes("x"), a.getSockName());
        assertTrue(loop.select(100).isEmpty());
        EventKey k2 = loop.register(a, EventLoop.READ, "again");
        assertEquals(Arrays.asList(k2), selectUntilReady(loop));
    }

    @Test
    public void registeringTheSameSocketTwiceIsEexist() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket a = keep(Net.udp4());
        loop.register(a, EventLoop.READ, null);
        SocketError e = Net.expectError(() -> loop.register(a, EventLoop.WRITE, null));
        assertEquals(17, e.errno());
        assertEquals("File exists", e.strerror());
        try {
            loop.register(a.dup(), 8, null);
            fail("bad interest");
        } catch (IllegalArgumentException expected) {
            assertEquals("interest must be a combination of READ and WRITE, got 8", expected.getMessage());
        }
    }

    /** Interest 0 is off: not even a hung-up peer (which epoll always reports) wakes the loop. */
    @Test
    public void interestZeroIsQuiet() throws Exception {
        EventLoop loop = keep(new EventLoop());
        NativeSocket[] pair = Net.tcpPair();
        NativeSocket s = keep(pair[1]);
        EventKey k = loop.register(s, 0, null);
        pair[0].close();
        assertTrue(loop.select(100).isEmpty());
        k.interest(EventLoop.READ);
        assertEquals(Arrays.asList(k), selectUntilReady(loop));
    }

    /** The example server (examples/EventLoopEchoServer.java), run as the README says. */
    @Test
    public void exampleEchoServerEchoes() throws Exception {
        String jar = System.getProperty("sockbridge.jar");
        String root = System.getProperty("sockbridge.root");
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp", jar,
                root + "/examples/EventLoopEchoServer.java", "127.0.0.1", "0")
                .redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull("the server printed nothing", line);
            assertTrue(line, line.startsWith("listening on 127.0.0.1 "));
            int port = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Socket c = new Socket("127.0.0.1", port);
                c.setSoTimeout(10000);
                clients.add(c);
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < clients.size(); i++) {
                    byte[] msg = bytes("client " + i + " round " + round + "\n");
                    OutputStream o = clients.get(i).getOutputStream();
                    o.write(msg);
                    o.flush();
                }
                for (int i = 0; i < clients.size(); i++) {
                    byte[] want = bytes("client " + i + " round " + round + "\n");
                    byte[] got = new byte[want.length];
                    InputStream in = clients.get(i).getInputStream();
                    int n = 0;
                    while (n < got.length) {
                        int r = in.read(got, n, got.length - n);
                        assertTrue("echo ended early", r > 0);
                        n += r;
                    }
                    assertArrayEquals(want, got);
                }
            }
            // A large message crosses partial writes.
            byte[] big = new byte[3 << 20];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            Socket c = clients.get(0);
            Future<byte[]> reader = Net.async(() -> {
                byte[] got = new byte[big.length];
                int n = 0;
                while (n < got.length) {
                    int r = c.getInputStream().read(got, n, got.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
                return Arrays.copyOf(got, n);
            });
            c.getOutputStream().write(big);
            assertArrayEquals(big, reader.get(30, TimeUnit.SECONDS));
            for (Socket x : clients) {
                x.close();
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
