package org.sockbridge.reliability;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.sockbridge.SocketConstants.*;

import java.io.FileDescriptor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.Test;
import org.sockbridge.Ancillary;
import org.sockbridge.Epoll;
import org.sockbridge.NativeSocket;
import org.sockbridge.PollSet;
import org.sockbridge.Poller;
import org.sockbridge.Resolver;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketError;
import org.sockbridge.TlsContext;
import org.sockbridge.TlsPolicy;
import org.sockbridge.TlsSocket;

/**
 * API fuzzer: four threads call the facade (NativeSocket, Poller, PollSet, Epoll, Resolver,
 * TlsPolicy, TlsContext, TlsSocket) in random order with valid and invalid arguments — closed,
 * stale and forged handles, null and short arrays, negative and huge lengths, offsets and
 * timeouts, absurd option numbers and lengths, wrong families, garbage for TLS — while close
 * races every other call. It also calls the package's native entry points directly (the JNI
 * boundary itself) with arguments the facade would have refused. The {@code java.nio.ByteBuffer}
 * overloads and their natives ({@code DirectBuffers}) are fuzzed by {@link BufferFuzz}, whose
 * calls are judged by {@link BufferFuzz#ALLOWED}.
 *
 * <p>Passes when: the JVM is still there; every exception is one of {@link #ALLOWED}; every
 * thread finishes (a call blocked on a socket ends when another thread closes it); and after
 * everything is closed the process has the same open fds as before.
 *
 * <p>Reproducible: the seed is printed; {@code -Dsockbridge.fuzz.seed=N} replays each thread's
 * sequence of calls (the interleaving of the four threads is the scheduler's). Size:
 * {@code -Dsockbridge.fuzz.seconds} (default 60) and {@code -Dsockbridge.fuzz.calls} (stop
 * after that many calls; default unlimited).
 *
 * <p>Traffic stays on loopback: destinations are 127.0.0.1, ::1 or AF_UNIX; name lookups are
 * numeric or "localhost"; options that would join multicast groups or bind to a device are never
 * set; raw IP and routing netlink sockets are never made.
 */
public class ApiFuzzTest {
    /** The documented failures of the facade; anything else is a bug. */
    static final List<Class<? extends Throwable>> ALLOWED = Arrays.asList(
            SocketError.class,                 // and SocketTimeout, TlsError, AddressLookupError, HostLookupError
            IllegalArgumentException.class,    // bad values (negative sizes, NaN timeouts, bad ports, ...)
            NullPointerException.class,        // null arguments
            IndexOutOfBoundsException.class,   // regions outside the array
            IllegalStateException.class,       // wrong TLS role for a context
            NoSuchElementException.class);     // PollSet.unregister of an unknown fd (KeyError)

    static final int THREADS = 4;
    static final int SOCKS = 24;

    final long seed = Rel.prop("sockbridge.fuzz.seed", System.nanoTime() & 0xffff_ffff_ffffL);
    final long seconds = Rel.prop("sockbridge.fuzz.seconds", 60);
    final long maxCalls = Rel.prop("sockbridge.fuzz.calls", Long.MAX_VALUE);
    /**
     * Raw entry points to leave out, comma-separated ({@code Poller.nFdOf}): for exploring past a
     * known crash while its fix is on another branch. Empty by default, and never set in CI.
     */
    final List<String> skipRaw = Arrays.asList(System.getProperty("sockbridge.fuzz.skipRaw", "").split(","));
    /** Facade operations to leave out ({@code detach}), as {@link #skipRaw}. */
    final List<String> skipOps = Arrays.asList(System.getProperty("sockbridge.fuzz.skipOps", "").split(","));

    final AtomicReferenceArray<NativeSocket> socks = new AtomicReferenceArray<>(SOCKS);
    final AtomicReferenceArray<Epoll> epolls = new AtomicReferenceArray<>(4);
    final AtomicReferenceArray<TlsSocket> tlss = new AtomicReferenceArray<>(8);
    final AtomicReferenceArray<TlsPolicy> policies = new AtomicReferenceArray<>(4);
    final AtomicReferenceArray<TlsContext> contexts = new AtomicReferenceArray<>(4);
    /** Handles of closed objects (stale), for the raw calls. */
    final ConcurrentLinkedQueue<Long> stale = new ConcurrentLinkedQueue<>();
    /** Addresses that something listens on (or listened on). */
    final AtomicReferenceArray<SockAddr> addrs = new AtomicReferenceArray<>(8);
    final AtomicLong calls = new AtomicLong();
    final AtomicLong thrown = new AtomicLong();
    final Map<String, AtomicLong> perOp = new ConcurrentHashMap<>();
    /** Exceptions thrown to the workers, by class (documented or not), for the run's figures. */
    final Map<String, AtomicLong> perException = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    volatile boolean stop;
    /** What each thread is doing now (op and the last socket it picked), for the hang report. */
    final Map<String, String> doing = new ConcurrentHashMap<>();
    final Map<String, NativeSocket> current = new ConcurrentHashMap<>();
    /** Handles given up by detach() (facade or raw), to tell a detach from a close in a hang report. */
    final java.util.Set<Long> detached = ConcurrentHashMap.newKeySet();
    volatile TlsContext serverCtx;
    volatile TlsContext clientCtx;
    byte[] certDer;
    List<Method> natives;
    /** The natives of org.sockbridge.DirectBuffers (also in {@link #natives}), called more often by "rawDirect". */
    List<Method> directNatives;
    final BufferFuzz buffers = new BufferFuzz();
    String tmpDir;

    /**
     * Runs the fuzzer in a child JVM (same classpath and flags, plus -Xcheck:jni unless
     * {@code -Dsockbridge.xcheckjni=false}): the failure it hunts for is the JVM's death, which
     * must fail this test with the seed and the crash report, not take the test run down.
     */
    @Test(timeout = 3 * 60 * 60 * 1000)
    public void fuzzInChildJvm() throws Exception {
        java.util.List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        if (!"false".equals(System.getProperty("sockbridge.xcheckjni"))) {
            cmd.add("-Xcheck:jni");
        }
        cmd.add("--add-opens");
        cmd.add("java.base/java.io=ALL-UNNAMED");
        cmd.add("-Xmx1g");
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("sockbridge.") || k.equals("java.library.path")) {
                cmd.add("-D" + k + "=" + System.getProperty(k));
            }
        }
        cmd.add("-Dsockbridge.fuzz.seed=" + seed);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sbfuzzjvm");
        cmd.add("-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"));
        cmd.add("-cp");
        StringBuilder cp = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            cp.append(cp.length() == 0 ? "" : java.io.File.pathSeparator).append(new java.io.File(e).getAbsolutePath());
        }
        cmd.add(cp.toString());
        cmd.add(ApiFuzzTest.class.getName());
        java.io.File out = dir.resolve("out.txt").toFile();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).directory(dir.toFile()).start();
        int rc = p.waitFor();
        String text = new String(java.nio.file.Files.readAllBytes(out.toPath()), StandardCharsets.UTF_8);
        // -Xcheck:jni's warnings repeat per call; show each distinct one once.
        StringBuilder shown = new StringBuilder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("\tat ") || line.startsWith("WARNING: JNI local refs")) {
                if (!seen.add(line.replaceAll("[0-9]+", "N"))) {
                    continue;
                }
            }
            shown.append(line).append('\n');
        }
        System.out.println(shown);
        String crash = "";
        java.io.File[] errs = dir.toFile().listFiles((d, n) -> n.startsWith("hs_err"));
        if (errs != null && errs.length > 0) {
            String report = new String(java.nio.file.Files.readAllBytes(errs[0].toPath()), StandardCharsets.UTF_8);
            int j = report.indexOf("Java frames");
            crash = "\nJVM crash report " + errs[0] + ":\n" + report.substring(0, Math.min(report.length(), 1200))
                    + (j >= 0 ? "\n...\n" + report.substring(j, Math.min(report.length(), j + 1500)) : "");
        }
        if (rc != 0) {
            int f = shown.indexOf("There w");
            fail("fuzzer JVM exited with " + rc + " (seed " + seed + ")" + crash
                    + (f >= 0 ? "\n" + shown.substring(f, Math.min(shown.length(), f + 6000)) : "\n" + tail(shown.toString(), 3000)));
        }
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }

    /** The child JVM's entry point: runs {@link #fuzz()}; exit 0 when it passes. */
    public static void main(String[] args) {
        int rc = 0;
        try {
            new ApiFuzzTest().fuzz();
            System.out.println("ApiFuzzTest: passed");
        } catch (Throwable t) {
            java.io.StringWriter sw = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(sw));
            System.out.println("There was a failure: " + sw);
            rc = 1;
        }
        System.out.flush();
        Runtime.getRuntime().halt(rc); // worker threads may still be blocked: do not wait for them
    }

    /** The fuzzer itself (run in the child JVM by {@link #fuzzInChildJvm()}; not a test on its own). */
    public void fuzz() throws Exception {
        if (!skipRaw.equals(Arrays.asList("")) || !skipOps.equals(Arrays.asList(""))) {
            System.out.println("ApiFuzzTest: NOT calling " + skipRaw + " " + skipOps + " (sockbridge.fuzz.skipRaw/skipOps)");
        }
        System.out.println("ApiFuzzTest seed=" + seed + " (replay: -Dsockbridge.fuzz.seed=" + seed + ")"
                + " seconds=" + seconds + " calls=" + (maxCalls == Long.MAX_VALUE ? "unlimited" : maxCalls));
        tmpDir = java.nio.file.Files.createTempDirectory("sbfuzz").toString();
        serverCtx = Rel.serverContext();
        clientCtx = TlsContext.client(TlsPolicy.insecureAcceptAnyCertificate());
        certDer = pemToDer(Rel.cert("server.pem"));
        natives = nativeMethods();
        directNatives = new ArrayList<>();
        for (Method m : natives) {
            if (m.getDeclaringClass().getSimpleName().equals("DirectBuffers")) {
                directNatives.add(m);
            }
        }
        assertTrue("DirectBuffers natives found: " + directNatives, directNatives.size() == 6);
        // Warm up once on this thread, so lazily opened JVM files (jars, /dev/random, ...) are
        // open before the fds are counted.
        Thread closer = closer();
        Random warm = new Random(seed);
        for (int i = 0; i < 400; i++) {
            step(warm, -1, i);
        }
        closeEverything();
        Rel.settle();
        TreeMap<Integer, String> fdsBefore = Rel.fdTable();
        long rssBefore = Rel.rssKb();

        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Thread mutator = buffers.mutator(seed, () -> stop);
        Thread[] workers = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            final int id = t;
            workers[t] = new Thread(() -> {
                Random r = new Random(seed * 31 + id);
                long n = 0;
                while (!stop && System.nanoTime() < deadline && calls.get() < maxCalls) {
                    step(r, id, n++);
                }
            }, "fuzz-" + t);
            workers[t].setDaemon(true);
            workers[t].start();
        }
        for (Thread w : workers) {
            while (w.isAlive() && System.nanoTime() < deadline + 5_000_000_000L) {
                w.join(200);
            }
        }
        stop = true;
        closer.join(5_000);
        mutator.join(5_000);
        // Whatever is still blocked is blocked on an open object: closing everything must end it.
        closeEverything();
        List<String> hung = new ArrayList<>();
        for (Thread w : workers) {
            w.join(20_000);
            if (w.isAlive()) {
                StringBuilder sb = new StringBuilder(w.getName() + " still running 20 s after every object was closed, in "
                        + doing.get(w.getName()) + "; that socket now: " + current.get(w.getName())
                        + (current.containsKey(w.getName()) && detached.contains(Rel.handleOf(current.get(w.getName())))
                            ? ", DETACHED while this call was waiting" : ", closed, not detached") + ":");
                for (StackTraceElement e : w.getStackTrace()) {
                    sb.append("\n    at ").append(e);
                }
                hung.add(sb.toString());
            }
        }
        closeEverything();
        TreeMap<Integer, String> fdsAfter = Rel.fdTable();
        for (int i = 0; i < 50 && !Rel.fdDiff(fdsBefore, fdsAfter).isEmpty(); i++) {
            Rel.settle();
            fdsAfter = Rel.fdTable();
        }
        long rssAfter = Rel.rssKb();
        System.out.println("ApiFuzzTest seed=" + seed + ": " + calls.get() + " calls, " + thrown.get()
                + " exceptions (all documented: " + failures.isEmpty() + "), fds " + fdsBefore.size() + " -> "
                + fdsAfter.size() + " (" + Rel.fdDiff(fdsBefore, fdsAfter).size()
                + " differences besides the JVM's own .jar/cgroup files), RSS " + rssBefore + " -> " + rssAfter + " KiB");
        System.out.println("calls per operation: " + new TreeMap<>(perOp));
        System.out.println("exceptions by type: " + new TreeMap<>(perException));
        StringBuilder problems = new StringBuilder();
        int shown = 0;
        for (String f : failures) {
            if (shown++ < 20) {
                problems.append(f).append('\n');
            }
        }
        if (!failures.isEmpty()) {
            problems.insert(0, failures.size() + " undocumented exception(s), seed " + seed + ":\n");
        }
        for (String h : hung) {
            problems.append(h).append('\n');
        }
        List<String> diff = Rel.fdDiff(fdsBefore, fdsAfter);
        if (!diff.isEmpty()) {
            problems.append("fds differ after closing everything (seed ").append(seed).append("): ").append(diff).append('\n');
        }
        if (problems.length() > 0) {
            fail(problems.toString());
        }
        assertTrue("no calls were made", calls.get() > 1000);
    }

    // ---- the driver ---------------------------------------------------------------------

    /**
     * A fifth thread that closes a random pooled object every few milliseconds, so every call
     * races a close and a call blocked on a pooled object (a blocking recv, accept, handshake,
     * a select without timeout) always ends.
     */
    private Thread closer() {
        Thread t = new Thread(() -> {
            Random r = new Random(seed * 31 + 99);
            while (!stop) {
                try {
                    Thread.sleep(1 + r.nextInt(10));
                    AtomicReferenceArray<? extends AutoCloseable> pool =
                            r.nextInt(8) == 0 ? epolls : r.nextInt(4) == 0 ? tlss : socks;
                    AutoCloseable c = pool.getAndSet(r.nextInt(pool.length()), null);
                    if (c != null) {
                        stale.add(Rel.handleOf(c));
                        trimStale();
                        c.close();
                    }
                } catch (Throwable e) {
                    if (!allowed(e) && !(e instanceof InterruptedException)) {
                        failures.add("closer: " + e);
                    }
                }
            }
        }, "fuzz-closer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void step(Random r, int thread, long n) {
        int op = r.nextInt(OPS.length);
        String name = OPS[op];
        if (skipOps.contains(name)) {
            return;
        }
        perOp.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
        calls.incrementAndGet();
        doing.put(Thread.currentThread().getName(), name);
        try {
            run(name, r);
        } catch (Throwable t) {
            Throwable e = t instanceof InvocationTargetException ? t.getCause() : t;
            thrown.incrementAndGet();
            perException.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
            if (bufferOp(name) ? !BufferFuzz.allowed(e) : !allowed(e)) {
                java.io.StringWriter sw = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(sw));
                failures.add("thread " + thread + " call " + n + " op " + name + ": " + sw);
                if (e instanceof Error && !(e instanceof AssertionError)) {
                    stop = true; // a native panic or a VM error: stop while the state tells the story
                }
            }
        }
    }

    static boolean allowed(Throwable e) {
        for (Class<? extends Throwable> c : ALLOWED) {
            if (c.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    static final String[] OPS = {
        "create", "create", "pair", "fromFd", "dup", "close", "close", "detach", "setTimeout", "setTimeout",
        "bind", "listen", "connect", "connectEx", "accept", "send", "sendAll", "sendTo", "recv", "recvAlloc",
        "recvFrom", "sendMsg", "recvMsg", "shutdown", "names", "setOptInt", "setOptBytes", "getOptInt",
        "getOptBytes", "select", "pollSet", "epollNew", "epollCtl", "epollPoll", "epollClose", "resolve",
        "inet", "policy", "context", "tlsPair", "tlsOp", "tlsOp", "tlsWrap", "tlsGarbage", "decodeCert",
        "peekHello", "raw", "raw", "raw", "raw", "dropped", "defaultTimeout",
        // java.nio.ByteBuffer overloads (BufferFuzz) and their natives (DirectBuffers)
        "bbRecv", "bbSend", "bbRecvFrom", "bbSendTo", "bbRecvArr", "bbSendArr", "bbScatter", "bbGather",
        "bbShared", "bbShared", "bbMutate", "bbRoundTrip", "rawDirect", "rawDirect",
    };

    /** Ops whose exceptions are judged by {@link BufferFuzz#ALLOWED} (the ByteBuffer overloads' list). */
    static boolean bufferOp(String op) {
        return op.startsWith("bb") || op.equals("rawDirect");
    }

    private void run(String op, Random r) throws Throwable {
        switch (op) {
            case "create": {
                put(socks, r, NativeSocket.create(family(r), type(r), proto(r)));
                break;
            }
            case "pair": {
                int fam = r.nextInt(8) == 0 ? family(r) : AF_UNIX;
                int t = r.nextBoolean() ? SOCK_STREAM : r.nextBoolean() ? SOCK_DGRAM : SOCK_SEQPACKET;
                NativeSocket[] p = NativeSocket.pair(fam, r.nextInt(10) == 0 ? type(r) : t, 0);
                mode(r, p[0]);
                mode(r, p[1]);
                put(socks, r, p[0]);
                put(socks, r, p[1]);
                break;
            }
            case "fromFd": {
                int fd = r.nextInt(3) == 0 ? anyInt(r) : someFd(r);
                put(socks, r, NativeSocket.fromFd(fd, family(r), type(r), proto(r)));
                break;
            }
            case "dup":
                put(socks, r, sock(r).dup());
                break;
            case "close": {
                NativeSocket s = socks.getAndSet(r.nextInt(SOCKS), null);
                if (s != null) {
                    stale.add(Rel.handleOf(s));
                    trimStale();
                    s.close();
                    if (r.nextBoolean()) {
                        s.close(); // closing again does nothing
                    }
                } else {
                    sock(r).close(); // a socket another thread may be using: it stays in the pool, closed
                }
                break;
            }
            case "detach": {
                NativeSocket s = socks.getAndSet(r.nextInt(SOCKS), null);
                if (s != null) {
                    try {
                        detached.add(Rel.handleOf(s));
                        Rel.closeRawFd(s.detach());
                    } finally {
                        s.close(); // out of the pool: closed either way (a no-op after a detach)
                    }
                }
                break;
            }
            case "setTimeout":
                sock(r).setTimeout(timeout(r));
                break;
            case "defaultTimeout": {
                // The default only matters for sockets made next; keep it short so most calls end soon.
                Double d = r.nextInt(4) == 0 ? (Double) 0.0 : (Double) (0.001 + r.nextInt(20) / 1000.0);
                NativeSocket.setDefaultTimeout(d);
                break;
            }
            case "bind":
                sock(r).bind(address(r));
                break;
            case "listen": {
                NativeSocket s = sock(r);
                s.listen(r.nextInt(4) == 0 ? anyInt(r) : r.nextInt(64));
                try {
                    addrs.set(r.nextInt(addrs.length()), s.getSockName());
                } catch (SocketError ignored) {
                    // closed meanwhile
                }
                break;
            }
            case "connect":
                sock(r).connect(address(r));
                break;
            case "connectEx":
                sock(r).connectEx(address(r));
                break;
            case "accept": {
                NativeSocket.Accepted a = sock(r).accept();
                put(socks, r, a.socket);
                break;
            }
            case "send": {
                byte[] b = bytes(r);
                sock(r).send(b, off(r, b), len(r, b), flags(r));
                break;
            }
            case "sendAll": {
                byte[] b = bytes(r);
                sock(r).sendAll(b, off(r, b), len(r, b), flags(r));
                break;
            }
            case "sendTo": {
                byte[] b = bytes(r);
                sock(r).sendTo(b, off(r, b), len(r, b), flags(r), address(r));
                break;
            }
            case "recv": {
                byte[] b = bytes(r);
                sock(r).recv(b, off(r, b), len(r, b), flags(r));
                break;
            }
            case "recvAlloc":
                sock(r).recv(size(r), flags(r));
                break;
            case "recvFrom": {
                byte[] b = bytes(r);
                NativeSocket.Received got = sock(r).recvFrom(b, off(r, b), len(r, b), flags(r));
                if (got.address != null) {
                    got.address.toString();
                }
                break;
            }
            case "sendMsg":
                sock(r).sendMsg(bytes(r), ancillary(r), flags(r), r.nextBoolean() ? null : address(r));
                break;
            case "recvMsg": {
                NativeSocket.Message m = sock(r).recvMsg(size(r), size(r), flags(r));
                closeReceivedFds(m.ancillary);
                break;
            }
            case "shutdown":
                sock(r).shutdown(r.nextInt(5) == 0 ? anyInt(r) : r.nextInt(3));
                break;
            case "names": {
                NativeSocket s = sock(r);
                s.getSockName();
                s.toString();
                s.fileno();
                s.getPeerName();
                break;
            }
            case "setOptInt": {
                int[] ln = option(r);
                sock(r).setSockOpt(ln[0], ln[1], r.nextInt(3) == 0 ? anyInt(r) : r.nextInt(2));
                break;
            }
            case "setOptBytes": {
                int[] ln = option(r);
                byte[] v = r.nextInt(20) == 0 ? null : new byte[r.nextInt(5) == 0 ? r.nextInt(70_000) : r.nextInt(40)];
                if (v != null) {
                    r.nextBytes(v);
                }
                sock(r).setSockOpt(ln[0], ln[1], v);
                break;
            }
            case "getOptInt": {
                int[] ln = option(r);
                int v = sock(r).getSockOpt(ln[0], ln[1]);
                if (ln[0] == SOL_SOCKET && ln[1] == SO_PEERPIDFD && v >= 0) {
                    Rel.closeRawFd(v); // the kernel installed a pidfd: the caller's to close
                }
                break;
            }
            case "getOptBytes": {
                int[] ln = option(r);
                byte[] v = sock(r).getSockOpt(ln[0], ln[1], r.nextInt(3) == 0 ? anyInt(r) : r.nextInt(1100));
                if (ln[0] == SOL_SOCKET && ln[1] == SO_PEERPIDFD && v.length >= 4) {
                    Rel.closeRawFd(ByteBuffer.wrap(v).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
                }
                break;
            }
            case "select": {
                List<Object> rl = entries(r);
                List<Object> wl = entries(r);
                List<Object> xl = entries(r);
                Poller.select(rl, wl, xl, waitSeconds(r, rl, wl, xl));
                break;
            }
            case "pollSet": {
                PollSet p = new PollSet();
                int k = r.nextInt(6);
                for (int i = 0; i < k; i++) {
                    Object e = entry(r);
                    switch (r.nextInt(4)) {
                        case 0:
                            p.modify(e, anyInt(r));
                            break;
                        case 1:
                            p.unregister(e);
                            break;
                        default:
                            p.register(e, r.nextInt(3) == 0 ? anyInt(r) : POLLIN | POLLOUT);
                    }
                }
                // null or negative would wait forever on entries nobody closes: only bounded waits here
                p.poll(r.nextInt(10) == 0 ? Double.NaN : (Double) (double) r.nextInt(20));
                break;
            }
            case "epollNew":
                put(epolls, r, new Epoll());
                break;
            case "epollCtl": {
                Epoll e = pick(epolls, r);
                if (e == null) {
                    break;
                }
                Object target = r.nextInt(5) == 0 ? pick(epolls, r) : entry(r);
                if (target == null) {
                    target = entry(r);
                }
                if (target instanceof Epoll) {
                    target = ((Epoll) target).fileno();
                }
                int ev = r.nextInt(3) == 0 ? anyInt(r) : (EPOLLIN | (r.nextBoolean() ? EPOLLOUT : 0) | (r.nextBoolean() ? EPOLLET : 0));
                switch (r.nextInt(3)) {
                    case 0:
                        e.register(target, ev);
                        break;
                    case 1:
                        e.modify(target, ev);
                        break;
                    default:
                        e.unregister(target);
                }
                break;
            }
            case "epollPoll": {
                Epoll e = pick(epolls, r);
                if (e != null) {
                    Double t = r.nextInt(25) == 0 ? null : r.nextInt(10) == 0 ? Double.NaN
                            : r.nextInt(10) == 0 ? (Double) (double) -1 : (Double) (r.nextInt(20) / 1000.0);
                    int max = r.nextInt(8) == 0 ? (r.nextBoolean() ? -r.nextInt(3) : r.nextInt(100_000)) : 1 + r.nextInt(16);
                    e.poll(t, max);
                }
                break;
            }
            case "epollClose": {
                Epoll e = epolls.getAndSet(r.nextInt(epolls.length()), null);
                if (e != null) {
                    stale.add(Rel.handleOf(e));
                    e.close();
                    e.close();
                }
                break;
            }
            case "resolve":
                resolve(r);
                break;
            case "inet":
                inet(r);
                break;
            case "policy":
                policy(r);
                break;
            case "context": {
                TlsPolicy p = pick(policies, r);
                if (p != null) {
                    contexts.set(r.nextInt(contexts.length()), r.nextBoolean() ? TlsContext.client(p) : TlsContext.server(p));
                }
                break;
            }
            case "tlsPair":
                tlsPair(r);
                break;
            case "tlsOp":
                tlsOp(r);
                break;
            case "tlsWrap": {
                TlsContext c = r.nextInt(3) == 0 ? pick(contexts, r) : r.nextBoolean() ? serverCtx : clientCtx;
                NativeSocket s = sock(r);
                if (c == null) {
                    break;
                }
                TlsSocket t = c.isServer() || r.nextInt(10) == 0 ? c.accept(s) : c.wrap(s, serverName(r));
                put(tlss, r, t);
                break;
            }
            case "tlsGarbage":
                tlsGarbage(r);
                break;
            case "decodeCert":
                decodeCert(r);
                break;
            case "peekHello": {
                NativeSocket s = sock(r);
                TlsSocket.peekClientHello(s);
                TlsSocket.sendFatalAlert(s, r.nextInt(4) == 0 ? anyInt(r) : r.nextInt(256));
                break;
            }
            case "raw":
                raw(r, natives.get(r.nextInt(natives.size())));
                break;
            case "rawDirect":
                raw(r, directNatives.get(r.nextInt(directNatives.size())));
                break;
            case "bbRecv":
            case "bbSend":
            case "bbRecvFrom":
            case "bbSendTo":
            case "bbRecvArr":
            case "bbSendArr":
            case "bbScatter":
            case "bbGather":
                buffers.call(op, r, bufferSock(r), address(r), false);
                break;
            case "bbShared": {
                String[] which = {"bbRecv", "bbSend", "bbRecvFrom", "bbSendTo", "bbRecvArr", "bbSendArr", "bbScatter", "bbGather"};
                buffers.call(which[r.nextInt(which.length)], r, bufferSock(r), address(r), true);
                break;
            }
            case "bbMutate":
                buffers.mutate(r);
                break;
            case "bbRoundTrip": {
                NativeSocket[] p = BufferFuzz.roundTrip(r);
                mode(r, p[0]);
                mode(r, p[1]);
                put(socks, r, p[0]);
                put(socks, r, p[1]);
                break;
            }
            case "dropped": {
                // Made and dropped without close: the Cleaner must close it.
                NativeSocket s = NativeSocket.create(AF_INET, SOCK_DGRAM);
                s.setTimeout(0.0);
                break;
            }
            default:
                throw new AssertionError(op);
        }
    }

    /** SO_PEERPIDFD (Linux 6.5): getsockopt installs a pidfd of the peer and returns its number. */
    static final int SO_PEERPIDFD = 77;

    /** SCM_PIDFD (Linux 6.5): with SO_PASSPIDFD set, every recvmsg on AF_UNIX brings a pidfd. */
    static final int SCM_PIDFD = 4;

    /** Closes the fds a recvmsg installed (SCM_RIGHTS, SCM_PIDFD): they are the caller's to close. */
    static void closeReceivedFds(List<Ancillary> ancillary) {
        for (Ancillary a : ancillary) {
            if (a.level == SOL_SOCKET && (a.type == SCM_RIGHTS || a.type == SCM_PIDFD)) {
                for (int fd : a.ints()) {
                    Rel.closeRawFd(fd);
                }
            }
        }
    }

    // ---- pools ----------------------------------------------------------------------------

    private <T extends AutoCloseable> void put(AtomicReferenceArray<T> pool, Random r, T item) throws Exception {
        T old = pool.getAndSet(r.nextInt(pool.length()), item);
        if (old != null) {
            stale.add(Rel.handleOf(old));
            trimStale();
            old.close();
        }
    }

    private void trimStale() {
        while (stale.size() > 64) {
            stale.poll();
        }
    }

    private static Object[] snapshot(AtomicReferenceArray<?> pool) {
        Object[] out = new Object[pool.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = pool.get(i);
        }
        return out;
    }

    private static <T> T pick(AtomicReferenceArray<T> pool, Random r) {
        return pool.get(r.nextInt(pool.length()));
    }

    /** A socket from the pool (may be closed), or a fresh one when the slot is empty. */
    /** For the ByteBuffer calls: a pooled socket (live or closed, maybe being closed), or one closed just now. */
    private NativeSocket bufferSock(Random r) throws Exception {
        if (r.nextInt(10) == 0) {
            NativeSocket s = NativeSocket.create(r.nextBoolean() ? AF_INET : AF_UNIX, r.nextBoolean() ? SOCK_STREAM : SOCK_DGRAM);
            s.close();
            return s;
        }
        return sock(r);
    }

    private NativeSocket sock(Random r) throws Exception {
        NativeSocket s = pick(socks, r);
        if (s == null) {
            s = NativeSocket.create(r.nextBoolean() ? AF_INET : AF_UNIX, r.nextBoolean() ? SOCK_STREAM : SOCK_DGRAM);
            mode(r, s);
            put(socks, r, s);
        }
        {
            current.put(Thread.currentThread().getName(), s);
            doing.merge(Thread.currentThread().getName(), " on " + s + " timeout " + s.getTimeout(), String::concat);
        }
        return s;
    }

    private static void mode(Random r, NativeSocket s) throws SocketError {
        int k = r.nextInt(10);
        s.setTimeout(k < 5 ? (Double) 0.0 : k < 9 ? (Double) (0.001 + r.nextInt(20) / 1000.0) : null);
    }

    void closeEverything() {
        for (AtomicReferenceArray<? extends AutoCloseable> pool : Arrays.asList(tlss, socks, epolls)) {
            for (int i = 0; i < pool.length(); i++) {
                AutoCloseable c = pool.getAndSet(i, null);
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // closing reports nothing
                    }
                }
            }
        }
        for (int i = 0; i < contexts.length(); i++) {
            contexts.set(i, null);
        }
        for (int i = 0; i < policies.length(); i++) {
            policies.set(i, null);
        }
    }

    // ---- argument generators ------------------------------------------------------------

    static int anyInt(Random r) {
        switch (r.nextInt(8)) {
            case 0:
                return Integer.MIN_VALUE;
            case 1:
                return Integer.MAX_VALUE;
            case 2:
                return -1;
            case 3:
                return -r.nextInt(1000);
            case 4:
                return r.nextInt(70_000);
            default:
                return r.nextInt();
        }
    }

    private int family(Random r) {
        switch (r.nextInt(12)) {
            case 0:
            case 1:
            case 2:
                return AF_INET;
            case 3:
            case 4:
                return AF_INET6;
            case 5:
            case 6:
            case 7:
                return AF_UNIX;
            case 8:
                return AF_NETLINK;
            case 9:
                return AF_PACKET;
            case 10:
                return -1 - r.nextInt(5);
            default:
                return 46 + r.nextInt(1000); // beyond AF_MAX: EAFNOSUPPORT
        }
    }

    private static int type(Random r) {
        int[] t = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
        int k = r.nextInt(10);
        if (k == 0) {
            return anyInt(r) & ~0x3; // never SOCK_RAW (3) by accident: no raw IP sockets
        }
        int base = t[r.nextInt(t.length)];
        return base | (k == 1 ? SOCK_NONBLOCK : 0) | (k == 2 ? SOCK_CLOEXEC : 0);
    }

    private static int proto(Random r) {
        // 0 everywhere; for AF_NETLINK 0 is NETLINK_ROUTE only with SOCK_RAW/DGRAM, so use
        // NETLINK_USERSOCK (2): user space to user space, nothing reaches the kernel's tables.
        return r.nextInt(8) == 0 ? 2 : r.nextInt(16) == 0 ? 6 : 0;
    }

    private int someFd(Random r) {
        NativeSocket s = pick(socks, r);
        if (s != null) {
            try {
                return s.fileno();
            } catch (SocketError closed) {
                // fall through
            }
        }
        return r.nextInt(64);
    }

    private static Double timeout(Random r) {
        switch (r.nextInt(12)) {
            case 0:
                return null;
            case 1:
                return -1.0;
            case 2:
                return Double.NaN;
            case 3:
                return 1e300;
            case 4:
                return Double.MIN_VALUE;
            case 5:
            case 6:
                return 0.0;
            default:
                return 0.001 + r.nextInt(20) / 1000.0;
        }
    }

    private Double waitSeconds(Random r, List<?>... lists) {
        boolean held = false;
        for (List<?> l : lists) {
            for (Object o : l) {
                held |= o instanceof NativeSocket;
            }
        }
        int k = r.nextInt(20);
        if (k == 0 && held) {
            return null; // forever: only a pool socket (closed by someone, some time) can end it
        }
        if (k == 1) {
            return -1.0;
        }
        if (k == 2) {
            return Double.NaN;
        }
        return r.nextInt(20) / 1000.0;
    }

    private SockAddr address(Random r) throws Exception {
        switch (r.nextInt(12)) {
            case 0:
            case 1: {
                SockAddr a = pick(addrs, r);
                if (a != null) {
                    return a;
                }
                return SockAddr.inet("127.0.0.1", r.nextInt(65536));
            }
            case 2:
            case 3:
                return SockAddr.inet("127.0.0.1", r.nextInt(4) == 0 ? 0 : 1024 + r.nextInt(60000));
            case 4:
                return SockAddr.inet6("::1", r.nextInt(65536), r.nextInt(4) == 0 ? r.nextInt(1 << 20) : 0,
                        r.nextInt(4) == 0 ? r.nextInt(5) : 0);
            case 5: {
                byte[] name = new byte[1 + r.nextInt(107)];
                r.nextBytes(name);
                name[0] = 0;
                return SockAddr.unix(name); // abstract
            }
            case 6:
                return SockAddr.unix(tmpDir + "/s" + r.nextInt(16));
            case 7:
                return SockAddr.unix(new byte[0]);
            case 8:
                return SockAddr.inet(new byte[4], 0); // 0.0.0.0 (bind: any; connect: this host)
            case 9: {
                // Wrong lengths or families the facade cannot build: through the raw constructor.
                byte[] b = new byte[r.nextInt(40)];
                r.nextBytes(b);
                return rawAddr(b);
            }
            default:
                return SockAddr.inet("127.0.0.1", r.nextInt(65536));
        }
    }

    private static final java.lang.reflect.Constructor<SockAddr> SOCKADDR_RAW;

    static {
        try {
            SOCKADDR_RAW = SockAddr.class.getDeclaredConstructor(byte[].class);
            SOCKADDR_RAW.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A SockAddr over arbitrary bytes, made safe: an IP family always names loopback. */
    static SockAddr rawAddr(byte[] b) throws Exception {
        return SOCKADDR_RAW.newInstance((Object) loopbackOnly(b));
    }

    /** Rewrites an encoded IPv4/IPv6 address to 127.0.0.1 / ::1 so no packet leaves the host. */
    static byte[] loopbackOnly(byte[] b) {
        if (b == null || b.length < 2) {
            return b;
        }
        int fam = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        if (fam == AF_INET && b.length >= 8) {
            b[4] = 127;
            b[5] = 0;
            b[6] = 0;
            b[7] = 1;
        } else if (fam == AF_INET6 && b.length >= 28) {
            Arrays.fill(b, 12, 28, (byte) 0);
            b[27] = 1;
        } else if (fam == AF_INET || fam == AF_INET6) {
            b[1] ^= 0x40; // a short IP address: make it an unknown family instead
        }
        return b;
    }

    private static byte[] bytes(Random r) {
        int k = r.nextInt(20);
        if (k == 0) {
            return null;
        }
        byte[] b = new byte[k == 1 ? 0 : k == 2 ? r.nextInt(300_000) : r.nextInt(2048)];
        r.nextBytes(b);
        return b;
    }

    private static int off(Random r, byte[] b) {
        int n = b == null ? 0 : b.length;
        switch (r.nextInt(10)) {
            case 0:
                return anyInt(r);
            case 1:
                return n;
            case 2:
                return n + 1;
            default:
                return n == 0 ? 0 : r.nextInt(Math.max(1, n / 4));
        }
    }

    private static int len(Random r, byte[] b) {
        int n = b == null ? 0 : b.length;
        switch (r.nextInt(10)) {
            case 0:
                return anyInt(r);
            case 1:
                return n;
            case 2:
                return 0;
            default:
                return n == 0 ? 0 : r.nextInt(Math.max(1, n / 2));
        }
    }

    /** Sizes for calls that allocate a Java array of that size first (bounded: no OOM in Java). */
    private static int size(Random r) {
        switch (r.nextInt(8)) {
            case 0:
                return -1 - r.nextInt(5);
            case 1:
                return 0;
            case 2:
                return r.nextInt(4 << 20);
            default:
                return r.nextInt(4096);
        }
    }

    private static int flags(Random r) {
        int k = r.nextInt(10);
        if (k == 0) {
            return anyInt(r);
        }
        if (k == 1) {
            return MSG_PEEK | MSG_DONTWAIT;
        }
        if (k == 2) {
            return MSG_DONTWAIT;
        }
        if (k == 3) {
            return MSG_OOB;
        }
        return 0;
    }

    private static List<Ancillary> ancillary(Random r) {
        List<Ancillary> out = new ArrayList<>();
        int k = r.nextInt(4);
        for (int i = 0; i < k; i++) {
            int level = r.nextInt(3) == 0 ? anyInt(r) : SOL_SOCKET;
            int type = r.nextInt(3) == 0 ? anyInt(r) : SCM_CREDENTIALS;
            if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                type = SCM_CREDENTIALS; // random numbers as fds would install fds nobody tracks
            }
            byte[] data = new byte[r.nextInt(8) == 0 ? r.nextInt(70_000) : r.nextInt(40)];
            r.nextBytes(data);
            out.add(new Ancillary(level, type, data));
        }
        return out;
    }

    /** {level, name}: common ones, absurd ones; never ones that leave loopback. */
    private static int[] option(Random r) {
        int level;
        int name;
        switch (r.nextInt(6)) {
            case 0:
                level = anyInt(r);
                name = anyInt(r);
                break;
            case 1:
                level = IPPROTO_TCP;
                name = r.nextInt(40);
                break;
            case 2:
                level = IPPROTO_IP;
                name = r.nextInt(60);
                break;
            case 3:
                level = IPPROTO_IPV6;
                name = r.nextInt(80);
                break;
            default:
                level = SOL_SOCKET;
                name = r.nextInt(80);
        }
        if (leavesLoopback(level, name)) {
            name = SO_KEEPALIVE;
            level = SOL_SOCKET;
        }
        return new int[] {level, name};
    }

    /** Options that could send packets beyond loopback (multicast joins, device binding). */
    static boolean leavesLoopback(int level, int name) {
        if (level == SOL_SOCKET) {
            return name == SO_BINDTODEVICE || name == 62 /* SO_BINDTOIFINDEX */;
        }
        if (level == IPPROTO_IP) {
            return name >= 32 && name <= 48; // IP_MULTICAST_*, IP_*_MEMBERSHIP, MCAST_*
        }
        if (level == IPPROTO_IPV6) {
            return (name >= 16 && name <= 21) || (name >= 42 && name <= 48); // IPV6_MULTICAST_*, JOIN/LEAVE, MCAST_*
        }
        return false;
    }

    private Object entry(Random r) throws Exception {
        switch (r.nextInt(10)) {
            case 0:
                return r.nextInt(4) == 0 ? anyInt(r) : (Object) r.nextInt(1100);
            case 1:
                return r.nextBoolean() ? "not a socket" : new Object();
            case 2:
                return r.nextBoolean() ? new FileDescriptor() : FileDescriptor.in;
            case 3:
                return null;
            case 4: {
                Epoll e = pick(epolls, r);
                return e != null ? e.fileno() : (Object) 0;
            }
            default:
                return sock(r);
        }
    }

    private List<Object> entries(Random r) throws Exception {
        int n = r.nextInt(5);
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object e = entry(r);
            if (e != null || r.nextInt(4) == 0) {
                l.add(e);
            }
        }
        return l;
    }

    private static String serverName(Random r) {
        switch (r.nextInt(8)) {
            case 0:
                return null;
            case 1:
                return "";
            case 2:
                return "127.0.0.1";
            case 3:
                return "::1";
            case 4: {
                char[] c = new char[r.nextInt(300)];
                for (int i = 0; i < c.length; i++) {
                    c[i] = (char) r.nextInt(0x3000);
                }
                return new String(c);
            }
            default:
                return "localhost";
        }
    }

    private static String garbage(Random r) {
        int k = r.nextInt(6);
        if (k == 0) {
            return null;
        }
        char[] c = new char[k == 1 ? r.nextInt(5000) : r.nextInt(40)];
        for (int i = 0; i < c.length; i++) {
            c[i] = r.nextInt(4) == 0 ? (char) r.nextInt(0x10000) : (char) (32 + r.nextInt(95));
        }
        return new String(c);
    }

    // ---- resolver (numeric and localhost only: no DNS traffic) ----------------------------

    private static String host(Random r) {
        String[] hosts = {null, "", "localhost", "127.0.0.1", "::1", "127.1", "0x7f.1", "256.1.1.1", "1.2.3.4",
            "::ffff:127.0.0.1", "fe80::1%lo", "fe80::1%999", "[::1]", "127.0.0.1\0evil"};
        return hosts[r.nextInt(hosts.length)];
    }

    private void resolve(Random r) throws Exception {
        switch (r.nextInt(8)) {
            case 0: {
                String h = r.nextInt(4) == 0 ? garbage(r) : host(r);
                int flags = r.nextInt(4) == 0 ? anyInt(r) : r.nextInt(0x80);
                if (h != null && !"localhost".equals(h)) {
                    flags |= AI_NUMERICHOST; // garbage is never sent to a DNS server
                }
                String port = r.nextInt(4) == 0 ? garbage(r) : r.nextBoolean() ? null : Integer.toString(r.nextInt(70000));
                if (port != null && r.nextBoolean()) {
                    flags |= AI_NUMERICSERV;
                }
                Resolver.getaddrinfo(h, port, r.nextInt(4) == 0 ? anyInt(r) : family(r), r.nextInt(4) == 0 ? anyInt(r) : type(r),
                        r.nextInt(4) == 0 ? anyInt(r) : 0, flags);
                break;
            }
            case 1: {
                SockAddr a = r.nextBoolean() ? SockAddr.inet("127.0.0.1", r.nextInt(65536)) : address(r);
                // Numeric host always (reverse lookups only of 127.0.0.1/::1 otherwise).
                int flags = (r.nextInt(4) == 0 ? anyInt(r) : r.nextInt(32)) | NI_NUMERICHOST;
                Resolver.getnameinfo(a, flags);
                break;
            }
            case 2:
                Resolver.gethostbyname(r.nextBoolean() ? "localhost" : host(r) == null ? "127.0.0.1" : "127.0.0.1");
                break;
            case 3:
                Resolver.gethostbynameEx(r.nextBoolean() ? "localhost" : "127.0.0.1");
                break;
            case 4:
                Resolver.gethostbyaddr(r.nextBoolean() ? "127.0.0.1" : "::1");
                break;
            case 5:
                Resolver.getservbyname(r.nextBoolean() ? garbage(r) : "http", r.nextBoolean() ? garbage(r) : "tcp");
                break;
            case 6:
                Resolver.getservbyport(r.nextInt(3) == 0 ? anyInt(r) : r.nextInt(65536), r.nextBoolean() ? garbage(r) : "udp");
                break;
            default:
                Resolver.getprotobyname(r.nextBoolean() ? garbage(r) : "tcp");
                break;
        }
    }

    private static void inet(Random r) throws Exception {
        switch (r.nextInt(3)) {
            case 0:
                Resolver.inetPton(r.nextInt(3) == 0 ? anyInt(r) : r.nextBoolean() ? AF_INET : AF_INET6,
                        r.nextBoolean() ? host(r) : garbage(r));
                break;
            case 1:
                Resolver.inetAton(r.nextBoolean() ? host(r) : garbage(r));
                break;
            default: {
                byte[] b = r.nextInt(10) == 0 ? null : new byte[r.nextInt(3) == 0 ? r.nextInt(40) : r.nextBoolean() ? 4 : 16];
                if (b != null) {
                    r.nextBytes(b);
                }
                Resolver.inetNtop(r.nextInt(3) == 0 ? anyInt(r) : r.nextBoolean() ? AF_INET : AF_INET6, b);
            }
        }
    }

    // ---- TLS -----------------------------------------------------------------------------

    private void policy(Random r) throws Exception {
        TlsPolicy p = pick(policies, r);
        if (p == null || r.nextInt(6) == 0) {
            p = r.nextBoolean() ? TlsPolicy.secureDefaults() : TlsPolicy.insecureAcceptAnyCertificate();
            policies.set(r.nextInt(policies.length()), p);
            return;
        }
        byte[] junk = bytes(r);
        switch (r.nextInt(14)) {
            case 0:
                p.verify(TlsPolicy.Verify.values()[r.nextInt(3)]);
                break;
            case 1:
                p.checkHostname(r.nextBoolean());
                break;
            case 2:
                p.clearTrust();
                break;
            case 3: {
                String[] paths = {"/nonexistent/ca.pem", "/dev/null", "/proc/self/status", tmpDir, "/etc/passwd",
                    Rel.certDir().resolve("ca.pem").toString(), Rel.certDir().resolve("server.key").toString(), ""};
                String path = r.nextInt(5) == 0 ? garbage(r) : paths[r.nextInt(paths.length)];
                if (r.nextBoolean()) {
                    p.trustCaFile(path);
                } else {
                    p.trustCaDirectory(path);
                }
                break;
            }
            case 4:
                p.trustCaData(r.nextBoolean() ? junk : mutate(r, r.nextBoolean() ? certDer : Rel.cert("ca.pem")));
                break;
            case 5:
                p.identity(r.nextBoolean() ? junk : Rel.cert("server.pem"), r.nextBoolean() ? junk : Rel.cert(r.nextBoolean() ? "server.key" : "client.key"));
                break;
            case 6: {
                byte[] d = r.nextInt(5) == 0 ? junk : new byte[32];
                if (d != null) {
                    r.nextBytes(d);
                }
                p.pinSha256(d, r.nextBoolean());
                break;
            }
            case 7:
                p.pinsReplaceChainValidation(r.nextBoolean());
                break;
            case 8:
                p.emptyTrustRejects(r.nextBoolean());
                break;
            case 9: {
                List<String> protos = new ArrayList<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    String g = garbage(r);
                    protos.add(g == null ? "h2" : g);
                }
                p.alpn(protos);
                break;
            }
            case 10:
                p.versions(r.nextInt(3) == 0 ? anyInt(r) : TlsPolicy.TLS1_2 + r.nextInt(3) - 1,
                        r.nextInt(3) == 0 ? anyInt(r) : TlsPolicy.TLS1_2 + r.nextInt(3));
                break;
            case 11: {
                List<String> names = new ArrayList<>(TlsPolicy.supportedCiphers());
                Collections.shuffle(names, r);
                List<String> pickd = new ArrayList<>(names.subList(0, r.nextInt(Math.min(3, names.size()) + 1)));
                if (r.nextBoolean()) {
                    String g = garbage(r);
                    pickd.add(g == null ? "NOPE" : g);
                }
                p.ciphers(pickd);
                break;
            }
            case 12:
                p.caCertificates();
                break;
            default:
                policies.set(r.nextInt(policies.length()), p.copy());
        }
    }

    /**
     * The shared contexts, made again when a raw call with a forged handle has freed one
     * (a freed context is a legitimate state: wrap then fails with EBADF).
     */
    private synchronized void renewContexts() throws Exception {
        serverCtx = Rel.serverContext();
        clientCtx = TlsContext.client(TlsPolicy.insecureAcceptAnyCertificate());
    }

    private TlsSocket session(boolean server, NativeSocket s) throws Exception {
        try {
            return server ? serverCtx.accept(s) : clientCtx.wrap(s, "localhost");
        } catch (SocketError e) {
            if (e.errno() == 9 && !s.toString().contains("fd=-1")) {
                renewContexts();
            }
            throw e;
        }
    }

    /** A real session pair on a socketpair, handshaken without blocking, left in the pool. */
    private void tlsPair(Random r) throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        TlsSocket c = null;
        TlsSocket s = null;
        try {
            p[0].setTimeout(0.0);
            p[1].setTimeout(0.0);
            c = session(false, p[0]);
            s = session(true, p[1]);
            boolean cd = false;
            boolean sd = false;
            for (int i = 0; i < 50 && !(cd && sd); i++) {
                cd = cd || handshakeStep(c);
                sd = sd || handshakeStep(s);
            }
            mode(r, p[0]);
            mode(r, p[1]);
            put(tlss, r, c);
            c = null;
            put(tlss, r, s);
            s = null;
        } finally {
            if (c != null) {
                c.close();
            }
            if (s != null) {
                s.close();
            }
        }
    }

    private static boolean handshakeStep(TlsSocket t) throws SocketError {
        try {
            t.handshake();
            return true;
        } catch (org.sockbridge.TlsError e) {
            if (e.reason() == org.sockbridge.TlsError.Reason.WANT_READ || e.reason() == org.sockbridge.TlsError.Reason.WANT_WRITE) {
                return false;
            }
            throw e;
        }
    }

    private void tlsOp(Random r) throws Exception {
        TlsSocket t = pick(tlss, r);
        if (t == null) {
            return;
        }
        byte[] b = bytes(r);
        switch (r.nextInt(14)) {
            case 0:
                t.handshake();
                break;
            case 1:
            case 2:
                t.read(b, off(r, b), len(r, b));
                break;
            case 3:
            case 4:
                t.write(b, off(r, b), len(r, b));
                break;
            case 5:
                t.writeAll(b == null ? new byte[0] : Arrays.copyOf(b, Math.min(b.length, 4096)));
                break;
            case 6:
                t.pending();
                break;
            case 7:
                t.closeNotify();
                break;
            case 8:
                t.shutdown();
                break;
            case 9:
                t.version();
                t.cipherName();
                t.cipherBits();
                t.alpnProtocol();
                break;
            case 10:
                t.peerCertificates();
                break;
            case 11: {
                // unwrap: the session ends, the socket goes back into the pool (or is closed).
                TlsSocket mine = tlss.getAndSet(r.nextInt(tlss.length()), null);
                if (mine != null) {
                    try {
                        put(socks, r, mine.unwrap());
                    } finally {
                        if (mine.socket() != null && !Arrays.asList(snapshot(socks)).contains(mine.socket())) {
                            mine.close(); // unwrap failed: out of the pool, so closed here
                        }
                    }
                }
                break;
            }
            case 12: {
                TlsSocket mine = tlss.getAndSet(r.nextInt(tlss.length()), null);
                if (mine != null) {
                    stale.add(Rel.handleOf(mine));
                    mine.close();
                }
                break;
            }
            default:
                t.socket().close(); // close under the session: later calls get EBADF
        }
    }

    /** A TLS session on one end of a socketpair, fed garbage (or a cut-off real flight) on the other. */
    private void tlsGarbage(Random r) throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try {
            p[0].setTimeout(0.05);
            p[1].setTimeout(0.05);
            boolean server = r.nextBoolean();
            TlsSocket t = session(server, p[0]);
            byte[] g;
            switch (r.nextInt(4)) {
                case 0:
                    g = new byte[r.nextInt(20_000)];
                    r.nextBytes(g);
                    break;
                case 1: {
                    // A record header that promises more than comes.
                    g = new byte[5 + r.nextInt(100)];
                    r.nextBytes(g);
                    g[0] = (byte) (20 + r.nextInt(5));
                    g[1] = 3;
                    g[2] = (byte) r.nextInt(5);
                    int len = r.nextInt(3) == 0 ? 0xffff : r.nextInt(20_000);
                    g[3] = (byte) (len >> 8);
                    g[4] = (byte) len;
                    break;
                }
                case 2: {
                    // The real first flight of the other side, damaged.
                    g = mutate(r, firstFlight(!server));
                    break;
                }
                default:
                    g = new byte[0];
            }
            if (g.length > 0) {
                try {
                    p[1].sendAll(g, 0, Math.min(g.length, 100_000), 0);
                } catch (SocketError full) {
                    // the buffer filled before the session read: that is fine
                }
            }
            if (r.nextBoolean()) {
                p[1].shutdown(SHUT_WR);
            }
            try {
                t.handshake();
                byte[] buf = new byte[1024];
                t.read(buf, 0, buf.length);
            } finally {
                t.close();
            }
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    private volatile byte[][] flights = new byte[2][];

    /** The first bytes a client (or a server, after a client's hello) sends. */
    private byte[] firstFlight(boolean client) throws Exception {
        int k = client ? 0 : 1;
        if (flights[k] != null) {
            return flights[k];
        }
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        NativeSocket[] q = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try {
            for (NativeSocket s : new NativeSocket[] {p[0], p[1], q[0], q[1]}) {
                s.setTimeout(0.0);
            }
            TlsSocket c = session(false, p[0]);
            handshakeStep(c);
            byte[] hello = new byte[65536];
            int n = p[1].recv(hello, 0, hello.length, 0);
            hello = Arrays.copyOf(hello, n);
            if (client) {
                flights[0] = hello;
            } else {
                q[1].sendAll(hello);
                TlsSocket s = session(true, q[0]);
                handshakeStep(s);
                byte[] back = new byte[65536];
                int m = q[1].recv(back, 0, back.length, 0);
                flights[1] = Arrays.copyOf(back, m);
            }
            c.close();
            return flights[k];
        } finally {
            for (NativeSocket s : new NativeSocket[] {p[0], p[1], q[0], q[1]}) {
                s.close();
            }
        }
    }

    static byte[] mutate(Random r, byte[] in) {
        byte[] b = Arrays.copyOf(in, in.length);
        int k = r.nextInt(4);
        if (k == 0 && b.length > 0) {
            b = Arrays.copyOf(b, r.nextInt(b.length));
        }
        int flips = r.nextInt(6);
        for (int i = 0; i < flips && b.length > 0; i++) {
            b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        }
        if (k == 1) {
            byte[] tail = new byte[r.nextInt(64)];
            r.nextBytes(tail);
            byte[] c = Arrays.copyOf(b, b.length + tail.length);
            System.arraycopy(tail, 0, c, b.length, tail.length);
            b = c;
        }
        return b;
    }

    private void decodeCert(Random r) throws Exception {
        byte[] d;
        switch (r.nextInt(4)) {
            case 0:
                d = null;
                break;
            case 1:
                d = bytes(r);
                break;
            case 2:
                d = certDer;
                break;
            default:
                d = mutate(r, certDer);
        }
        TlsSocket.decodeCertificate(d);
    }

    static byte[] pemToDer(byte[] pem) {
        String s = new String(pem, StandardCharsets.US_ASCII);
        int a = s.indexOf("-----BEGIN CERTIFICATE-----");
        int b = s.indexOf("-----END CERTIFICATE-----");
        String body = s.substring(a + 27, b).replaceAll("\\s", "");
        return java.util.Base64.getDecoder().decode(body);
    }

    // ---- raw native calls: the JNI boundary without the facade's checks ---------------------

    static List<Method> nativeMethods() {
        List<Method> out = new ArrayList<>();
        List<String> skip = Arrays.asList(System.getProperty("sockbridge.fuzz.skipRaw", "").split(","));
        Class<?> directBuffers; // package-private: the natives behind NativeSocket's ByteBuffer overloads
        try {
            directBuffers = Class.forName("org.sockbridge.DirectBuffers");
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        for (Class<?> c : Arrays.asList(NativeSocket.class, Poller.class, Epoll.class, TlsSocket.class,
                TlsContext.class, TlsPolicy.class, Resolver.class, directBuffers)) {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isNative(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                        && !skip.contains(c.getSimpleName() + "." + m.getName())) {
                    m.setAccessible(true);
                    out.add(m);
                }
            }
        }
        out.sort((a, b) -> (a.getDeclaringClass().getName() + a.getName()).compareTo(b.getDeclaringClass().getName() + b.getName()));
        return out;
    }

    private void raw(Random r, Method m) throws Throwable {
        String name = m.getDeclaringClass().getSimpleName() + "." + m.getName();
        perOp.computeIfAbsent("raw " + name, k -> new AtomicLong()).incrementAndGet();
        doing.merge(Thread.currentThread().getName(), " " + name, String::concat);
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = rawArg(r, m, i, types[i]);
        }
        sanitize(r, name, args);
        Object result;
        try {
            result = m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        release(name, args, result);
    }

    private Object rawArg(Random r, Method m, int i, Class<?> t) throws Exception {
        if (t == long.class) {
            return i == 0 || m.getName().equals("nWrap") ? handle(r, m.getDeclaringClass()) : (Object) anyLong(r);
        }
        if (t == int.class) {
            return r.nextInt(3) == 0 ? anyInt(r) : r.nextInt(3) == 0 ? someFd(r) : r.nextInt(300);
        }
        if (t == boolean.class) {
            return r.nextBoolean();
        }
        if (t == byte[].class) {
            int k = r.nextInt(8);
            if (k == 0) {
                return null;
            }
            byte[] b = new byte[k == 1 ? 0 : k == 2 ? r.nextInt(8) : k == 3 ? 16 : k == 4 ? 112 : r.nextInt(3000)];
            r.nextBytes(b);
            return b;
        }
        if (t == int[].class) {
            return r.nextInt(5) == 0 ? null : new int[r.nextInt(4)];
        }
        if (t == short[].class) {
            return r.nextInt(5) == 0 ? null : new short[r.nextInt(4)];
        }
        if (t == long[].class) {
            return r.nextInt(5) == 0 ? null : new long[r.nextInt(4)];
        }
        if (t == String.class) {
            return garbage(r);
        }
        if (t == ByteBuffer.class) {
            return r.nextInt(8) == 0 ? buffers.shared.get(r.nextInt(buffers.shared.length())) : BufferFuzz.buffer(r);
        }
        if (t == ByteBuffer[].class) {
            return buffers.buffers(r);
        }
        if (t == Object.class) {
            Object[] objs = {null, new Object(), "fd", 3, new FileDescriptor(), FileDescriptor.out, new byte[4],
                new int[] {1}, Thread.currentThread(), new java.io.ByteArrayInputStream(new byte[1])};
            return objs[r.nextInt(objs.length)];
        }
        throw new AssertionError("no generator for " + t + " in " + m);
    }

    private long handle(Random r, Class<?> owner) {
        switch (r.nextInt(10)) {
            case 0:
                return 0;
            case 1:
                return -1;
            case 2:
                return anyLong(r);
            case 3:
                return ((long) (1 + r.nextInt(4)) << 32) | r.nextInt(64); // forged: plausible generation and slot
            case 4: {
                Long s = stale.peek();
                return s == null ? 1L << 32 : s;
            }
            default: {
                // A live handle, of the right class or not.
                Object o = null;
                switch (r.nextInt(5)) {
                    case 0:
                        o = pick(epolls, r);
                        break;
                    case 1:
                        o = pick(tlss, r);
                        break;
                    case 2:
                        o = r.nextBoolean() ? pick(policies, r) : pick(contexts, r);
                        break;
                    default:
                        o = pick(socks, r);
                }
                return o == null ? 1L << 32 : Rel.handleOf(o);
            }
        }
    }

    private static long anyLong(Random r) {
        long[] v = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1_000_000, 1, 20_000_000};
        return r.nextInt(3) == 0 ? r.nextLong() : v[r.nextInt(v.length)];
    }

    /** Keeps the raw calls on loopback and off the DNS, and away from the two known-infinite inputs. */
    private void sanitize(Random r, String name, Object[] a) throws Exception {
        switch (name) {
            case "NativeSocket.nCreate":
            case "NativeSocket.nPair":
            case "NativeSocket.nFromFd": {
                int fi = name.endsWith("nFromFd") ? 1 : 0;
                a[fi] = family(r);
                a[fi + 1] = type(r);
                a[fi + 2] = proto(r);
                break;
            }
            case "NativeSocket.nBind":
            case "NativeSocket.nConnect":
            case "NativeSocket.nConnectEx":
                a[1] = loopbackOnly((byte[]) a[1]);
                break;
            case "NativeSocket.nSendTo":
                a[5] = loopbackOnly((byte[]) a[5]);
                break;
            case "NativeSocket.nSendMsg":
                a[4] = loopbackOnly((byte[]) a[4]);
                break;
            case "NativeSocket.nSetOptInt":
            case "NativeSocket.nSetOptBytes":
                if (leavesLoopback((Integer) a[1], (Integer) a[2])) {
                    a[1] = SOL_SOCKET;
                    a[2] = SO_KEEPALIVE;
                }
                break;
            case "NativeSocket.nDetach":
                break;
            case "DirectBuffers.nRecvDirect":
            case "DirectBuffers.nSendDirect":
            case "DirectBuffers.nRecvFromDirect":
            case "DirectBuffers.nSendToDirect": {
                // position and length around the buffer's capacity (the native's own bounds check)
                ByteBuffer b = (ByteBuffer) a[1];
                int cap = b == null ? 0 : b.capacity();
                if (r.nextInt(4) != 0) {
                    a[2] = BufferFuzz.around(r, cap);
                    a[3] = BufferFuzz.around(r, cap - Math.max(0, (Integer) a[2]));
                }
                a[4] = BufferFuzz.flags(r);
                if (name.endsWith("nSendToDirect")) {
                    a[5] = loopbackOnly((byte[]) a[5]);
                }
                break;
            }
            case "DirectBuffers.nRecvVectored":
            case "DirectBuffers.nSendVectored": {
                ByteBuffer[] bs = (ByteBuffer[]) a[1];
                int n = bs == null ? 0 : bs.length;
                if (r.nextInt(4) != 0) {
                    a[2] = BufferFuzz.around(r, n);
                    a[3] = BufferFuzz.around(r, n - Math.max(0, (Integer) a[2]));
                }
                a[4] = BufferFuzz.flags(r);
                break;
            }
            case "Poller.nPoll": {
                // Raw fds (entries without a handle) are not woken by any close, as documented:
                // an unbounded wait on them would never end. At most 50 ms.
                long t = (Long) a[5];
                if (t < 0 || t > 50_000_000L) {
                    a[5] = (long) r.nextInt(50_000_001);
                }
                break;
            }
            case "Poller.nPollPrepared": {
                // As nPoll: the set's raw fds are woken by no close. At most 50 ms.
                long t = (Long) a[3];
                if (t < 0 || t > 50_000_000L) {
                    a[3] = (long) r.nextInt(50_000_001);
                }
                break;
            }
            case "NativeSocket.nGetOptInt":
            case "NativeSocket.nGetOptBytes":
                // getsockopt(SO_PEERPIDFD) installs a pidfd nobody would know to close.
                if ((Integer) a[1] == SOL_SOCKET && (Integer) a[2] == SO_PEERPIDFD) {
                    a[2] = SO_KEEPALIVE;
                }
                break;
            case "Epoll.nFromFd": {
                // Adopting a random fd would take it from its owner (fromfd owns what it is
                // given, as CPython's does): a fresh epoll, a number not open, or a pooled
                // epoll's fd (the shared-instance path).
                Epoll e = pick(epolls, r);
                int k = r.nextInt(3);
                a[0] = k == 0 ? -1 : k == 1 || e == null ? 1 << 20 : filenoOrMinusOne(e);
                break;
            }
            case "Resolver.nGetAddrInfo":
                a[0] = host(r);
                a[5] = ((Integer) a[5]) | AI_NUMERICHOST;
                break;
            case "Resolver.nGetNameInfo":
                a[0] = loopbackOnly((byte[]) a[0]);
                a[2] = ((Integer) a[2]) | NI_NUMERICHOST;
                break;
            case "Resolver.nGetHostByNameEx":
                a[0] = r.nextBoolean() ? "localhost" : "127.0.0.1";
                break;
            case "Resolver.nGetHostByAddr":
                a[0] = r.nextBoolean() ? "127.0.0.1" : "::1";
                break;
            case "TlsPolicy.nAddTrust":
                if ("/dev/zero".equals(a[2])) {
                    a[2] = "/dev/null";
                }
                break;
            default:
        }
    }

    private static int filenoOrMinusOne(Epoll e) {
        try {
            return e.fileno();
        } catch (SocketError closed) {
            return -1;
        }
    }

    /** Frees what a raw call made (the facade would have wrapped it in an object with a Cleaner). */
    private void release(String name, Object[] args, Object result) throws Exception {
        switch (name) {
            case "NativeSocket.nCreate":
            case "NativeSocket.nDup":
            case "NativeSocket.nFromFd":
            case "NativeSocket.nAccept":
                if ((Long) result > 0) {
                    invoke(NativeSocket.class, "nClose", (Long) result);
                }
                break;
            case "NativeSocket.nPair":
                if ((Integer) result >= 0 && args[4] != null && ((byte[]) args[4]).length >= 16) {
                    ByteBuffer b = ByteBuffer.wrap((byte[]) args[4]);
                    invoke(NativeSocket.class, "nClose", b.getLong());
                    invoke(NativeSocket.class, "nClose", b.getLong());
                }
                break;
            case "NativeSocket.nDetach":
                if ((Integer) result >= 0) {
                    detached.add((Long) args[0]);
                    Rel.closeRawFd((Integer) result);
                }
                break;
            case "NativeSocket.nRecvMsg":
                if ((Integer) result >= 0) {
                    Method decode = Ancillary.class.getDeclaredMethod("decode", byte[].class, int.class);
                    decode.setAccessible(true);
                    @SuppressWarnings("unchecked")
                    List<Ancillary> got = (List<Ancillary>) decode.invoke(null, args[4], ((int[]) args[5])[0]);
                    closeReceivedFds(got);
                }
                break;
            case "Epoll.nCreate":
            case "Epoll.nFromFd":
                if ((Long) result > 0) {
                    invoke(Epoll.class, "nClose", (Long) result);
                }
                break;
            case "TlsSocket.nWrap":
                if ((Long) result > 0) {
                    invoke(TlsSocket.class, "nFree", (Long) result);
                }
                break;
            case "TlsPolicy.nNew":
            case "TlsPolicy.nCopy":
                if ((Long) result > 0) {
                    invoke(TlsPolicy.class, "nFree", (Long) result);
                }
                break;
            case "TlsContext.nCreate":
                if ((Long) result > 0) {
                    invoke(TlsContext.class, "nFree", (Long) result);
                }
                break;
            default:
        }
    }

    private void invoke(Class<?> c, String method, long h) throws Exception {
        for (Method m : natives) {
            if (m.getDeclaringClass() == c && m.getName().equals(method)) {
                m.invoke(null, h);
                return;
            }
        }
        throw new AssertionError(c + "." + method);
    }
}
