package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Concurrent close: a thread blocked in recv, recvfrom, accept, connect, select, poll, epoll,
 * TLS read and TLS handshake (on TCP, UDP, AF_UNIX and AF_NETLINK where the call applies);
 * another thread closes. For every trial the call is first proved blocked in the kernel
 * ({@link CloseWakeTest.Blocked}), must end with EBADF within 100 ms of the close, and never
 * hang. Meanwhile a third thread opens and closes sockets full of foreign data as fast as it
 * can, and after each close the test watches the blocked call's fd number: while the call is
 * still in its wait, {@code /proc/self/fd/<n>} must still be the same socket (the number is
 * never closed, so never reused, under a running call).
 *
 * <p>Trials per kind: {@code -Dsockbridge.trials=N} or {@code SOCKBRIDGE_TRIALS=N}; default 20
 * (CI, a few seconds). The long run, 1,000 trials of each of the 30 kinds:
 * <pre>
 * gradle -q --offline jar testClasses testCerts
 * java -Dsockbridge.trials=1000 -Dsockbridge.certs=build/test-certs -Djava.library.path=target/release \
 *   -cp build/classes/java/test:build/libs/sockbridge-0.1.0.jar:/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar \
 *   org.junit.runner.JUnitCore org.sockbridge.ConcurrentCloseTest
 * </pre>
 */
public class ConcurrentCloseTest {
    static final int TRIALS = Integer.getInteger("sockbridge.trials",
            Integer.parseInt(System.getenv().getOrDefault("SOCKBRIDGE_TRIALS", "20")));
    static final long LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** One blocked call to end by a close. */
    static final class Trial {
        final Callable<?> call;
        final Net.Action close;
        final int fd;
        final Net.Action cleanup;

        Trial(Callable<?> call, Net.Action close, int fd, Net.Action cleanup) {
            this.call = call;
            this.close = close;
            this.fd = fd;
            this.cleanup = cleanup;
        }
    }

    interface Setup {
        Trial open() throws Exception;
    }

    private static final AtomicBoolean STOP = new AtomicBoolean();
    private static final AtomicLong CHURNED = new AtomicLong();
    private static Thread reuser;
    private static TlsContext client;
    private static TlsContext server;

    /** Keeps freed fd numbers taken by sockets with data waiting to be read. */
    @BeforeClass
    public static void startReuser() throws Exception {
        client = TlsContext.client(Tls.trustingTestCa());
        server = TlsContext.server(Tls.serverPolicy("server"));
        reuser = new Thread(() -> {
            ArrayDeque<NativeSocket[]> ring = new ArrayDeque<>();
            byte[] foreign = "FOREIGN!".getBytes();
            try {
                while (!STOP.get()) {
                    NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
                    p[0].sendAll(foreign);
                    p[1].sendAll(foreign);
                    ring.add(p);
                    if (ring.size() > 32) {
                        NativeSocket[] old = ring.poll();
                        old[0].close();
                        old[1].close();
                    }
                    CHURNED.incrementAndGet();
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                }
            } catch (SocketError e) {
                throw new AssertionError(e);
            } finally {
                for (NativeSocket[] p : ring) {
                    p[0].close();
                    p[1].close();
                }
            }
        }, "fd-reuser");
        reuser.setDaemon(true);
        reuser.start();
    }

    @AfterClass
    public static void stopReuser() throws Exception {
        STOP.set(true);
        reuser.join(5000);
        System.out.println("fd-reuser opened " + CHURNED.get() + " socket pairs");
    }

    private static String link(int fd) {
        try {
            return Files.readSymbolicLink(Paths.get("/proc/self/fd/" + fd)).toString();
        } catch (Exception e) {
            return "closed";
        }
    }

    /** Runs {@code TRIALS} trials of one kind and asserts the worst close-to-return time. */
    private static void run(String kind, Setup setup) throws Exception {
        long[] took = new long[TRIALS];
        for (int i = 0; i < TRIALS; i++) {
            Trial t = setup.open();
            String before = link(t.fd);
            assertTrue(kind + ": fd " + t.fd + " is " + before, before.startsWith("socket:") || before.startsWith("anon_inode:"));
            CloseWakeTest.Blocked<?> b = CloseWakeTest.Blocked.start(t.call);
            b.closeWith(t.close);
            // While the call is still in its wait, its fd number must still be its socket.
            while (!b.isDone()) {
                String now = link(t.fd);
                if (!now.equals(before)) {
                    // Changed: legitimate only once the call has left its wait.
                    String sc = b.syscall();
                    if (!b.isDone() && isWait(sc)) {
                        fail(kind + " trial " + i + ": fd " + t.fd + " became " + now + " (was " + before
                                + ") while the call still waits (syscall " + sc + ")");
                    }
                }
                if (System.nanoTime() - b.closedAt() > TimeUnit.SECONDS.toNanos(2)) {
                    break;
                }
                // Leave the CPU to the woken thread (the machine may have only two cores).
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
            try {
                took[i] = b.assertEndedByClose(2000);
            } catch (AssertionError e) {
                throw new AssertionError(kind + " trial " + i + ": " + e.getMessage(), e);
            }
            t.cleanup.run();
        }
        long[] sorted = took.clone();
        Arrays.sort(sorted);
        long max = sorted[sorted.length - 1];
        System.out.printf("%-22s %5d trials, 0 hangs, close-to-return median %.3f ms, p99 %.3f ms, max %.3f ms%n",
                kind, TRIALS, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, max / 1e6);
        assertTrue(kind + ": a blocked call took " + max / 1e6 + " ms to return after close", max <= LIMIT_NANOS);
    }

    private static boolean isWait(String syscall) {
        return CloseWakeTest.Blocked.WAITS.contains(syscall);
    }

    private static Net.Action closing(NativeSocket... s) {
        return () -> {
            for (NativeSocket x : s) {
                x.close();
            }
        };
    }

    private static Trial recvOn(NativeSocket s, Net.Action cleanup, boolean from) throws SocketError {
        Callable<?> call = from ? () -> s.recvFrom(new byte[16], 0, 16, 0) : () -> s.recv(new byte[16], 0, 16, 0);
        return new Trial(call, s::close, s.fileno(), cleanup);
    }

    private static Trial netlink(boolean from) throws SocketError {
        return recvOn(NativeSocket.create(AF_NETLINK, SOCK_RAW, 0), () -> {}, from);
    }

    private static Trial unixDgram(boolean from) throws SocketError {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_DGRAM, 0);
        return recvOn(p[0], closing(p[1]), from);
    }

    @Test
    public void recvAndRecvfrom() throws Exception {
        for (boolean from : new boolean[] {false, true}) {
            String call = from ? "recvfrom" : "recv";
            run("tcp " + call, () -> {
                NativeSocket[] p = Net.tcpPair();
                return recvOn(p[0], closing(p[1]), from);
            });
            run("udp " + call, () -> recvOn(Net.udp4(), () -> {}, from));
            run("unix stream " + call, () -> {
                NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
                return recvOn(p[0], closing(p[1]), from);
            });
            run("unix dgram " + call, () -> unixDgram(from));
            run("netlink " + call, () -> netlink(from));
        }
    }

    @Test
    public void accept() throws Exception {
        run("tcp accept", () -> {
            NativeSocket l = Net.listener4();
            return new Trial(l::accept, l::close, l.fileno(), () -> {});
        });
        String name = "\0sockbridge-cc-accept-" + ProcessHandle.current().pid();
        run("unix accept", () -> {
            NativeSocket l = NativeSocket.create(AF_UNIX, SOCK_STREAM);
            l.bind(SockAddr.unix(name));
            l.listen(1);
            return new Trial(l::accept, l::close, l.fileno(), () -> {});
        });
    }

    /** Connects to {@code l} without waiting until one connect stays pending: the queue is full. */
    private static List<NativeSocket> fillTcpBacklog(SockAddr to) throws Exception {
        List<NativeSocket> queued = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            NativeSocket q = NativeSocket.create(AF_INET, SOCK_STREAM);
            q.setBlocking(false);
            queued.add(q);
            q.connectEx(to);
            if (Poller.select(List.of(), List.of(q), List.of(), 0.2).write.isEmpty()) {
                return queued;
            }
        }
        throw new AssertionError("the TCP accept queue never filled");
    }

    @Test
    public void connect() throws Exception {
        NativeSocket tl = NativeSocket.create(AF_INET, SOCK_STREAM);
        tl.bind(SockAddr.inet("127.0.0.1", 0));
        tl.listen(0);
        SockAddr to = tl.getSockName();
        List<NativeSocket> tq = fillTcpBacklog(to);
        try {
            run("tcp connect", () -> {
                NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM);
                return new Trial(() -> {
                    c.connect(to);
                    return null;
                }, c::close, c.fileno(), () -> {});
            });
        } finally {
            closing(tq.toArray(new NativeSocket[0])).run();
            tl.close();
        }
        SockAddr name = SockAddr.unix("\0sockbridge-cc-connect-" + ProcessHandle.current().pid());
        NativeSocket ul = NativeSocket.create(AF_UNIX, SOCK_STREAM);
        ul.bind(name);
        ul.listen(0);
        List<NativeSocket> uq = CloseWakeTest.fillBacklog(name);
        try {
            run("unix connect", () -> {
                NativeSocket c = NativeSocket.create(AF_UNIX, SOCK_STREAM);
                return new Trial(() -> {
                    c.connect(name);
                    return null;
                }, c::close, c.fileno(), () -> {});
            });
        } finally {
            closing(uq.toArray(new NativeSocket[0])).run();
            ul.close();
        }
    }

    /** A fresh socket of each family with nothing to read, and what to close after the trial. */
    private static List<String> families() {
        return List.of("tcp", "udp", "unix", "netlink");
    }

    private static NativeSocket[] quiet(String family) throws SocketError {
        switch (family) {
            case "tcp":
                return Net.tcpPair();
            case "udp":
                return new NativeSocket[] {Net.udp4()};
            case "unix":
                return NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
            default:
                return new NativeSocket[] {NativeSocket.create(AF_NETLINK, SOCK_RAW, 0)};
        }
    }

    private static Net.Action rest(NativeSocket[] s) {
        return closing(Arrays.copyOfRange(s, 1, s.length));
    }

    @Test
    public void selectPollAndEpoll() throws Exception {
        for (String family : families()) {
            run(family + " select", () -> {
                NativeSocket[] s = quiet(family);
                return new Trial(() -> Poller.select(List.of(s[0]), List.of(), List.of(), null), s[0]::close,
                        s[0].fileno(), rest(s));
            });
            run(family + " poll", () -> {
                NativeSocket[] s = quiet(family);
                PollSet ps = new PollSet();
                ps.register(s[0], POLLIN);
                return new Trial(() -> ps.poll(null), s[0]::close, s[0].fileno(), rest(s));
            });
            run(family + " epoll", () -> {
                NativeSocket[] s = quiet(family);
                Epoll ep = new Epoll();
                ep.register(s[0], EPOLLIN);
                return new Trial(() -> ep.poll(null, 4), ep::close, ep.fileno(), closing(s));
            });
        }
    }

    /** A connected pair of {@code family} ("tcp" or "unix"): {client, server side}. */
    private static NativeSocket[] stream(String family) throws SocketError {
        return family.equals("tcp") ? Net.tcpPair() : NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
    }

    @Test
    public void tlsReadAndHandshake() throws Exception {
        for (String family : List.of("tcp", "unix")) {
            run(family + " tls handshake", () -> {
                // The server side never answers the ClientHello.
                NativeSocket[] p = stream(family);
                TlsSocket t = client.wrap(p[0], "localhost");
                return new Trial(() -> {
                    t.handshake();
                    return null;
                }, p[0]::close, p[0].fileno(), () -> {
                    t.close();
                    p[1].close();
                });
            });
            run(family + " tls read", () -> {
                NativeSocket[] p = stream(family);
                p[1].setTimeout(10.0);
                TlsSocket s = server.accept(p[1]);
                Future<?> served = Net.async(() -> {
                    s.handshake();
                    return null;
                });
                TlsSocket t = client.wrap(p[0], "localhost");
                t.handshake();
                served.get(10, TimeUnit.SECONDS);
                return new Trial(() -> t.read(new byte[64], 0, 64), p[0]::close, p[0].fileno(), () -> {
                    t.close();
                    s.close();
                    p[1].close();
                });
            });
        }
    }
}
