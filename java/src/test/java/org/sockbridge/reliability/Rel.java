package org.sockbridge.reliability;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.sockbridge.NativeSocket;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketConstants;
import org.sockbridge.SocketError;
import org.sockbridge.TlsContext;
import org.sockbridge.TlsPolicy;

/**
 * Shared helpers of the reliability tests: what the process holds (open fds, RSS, the size of
 * the native handle table as far as Java can see it), sizes from system properties, and the
 * test certificates.
 */
final class Rel {
    private Rel() {}

    static {
        // The first NIO file read makes the JDK open a socketpair it keeps for the JVM's life
        // (sun.nio.ch.FileDispatcherImpl.init, its "pre-close" fd): do it before any fd count.
        rssKb();
    }

    /** A long system property ({@code sockbridge.*}), or {@code dflt}. */
    static long prop(String name, long dflt) {
        String v = System.getProperty(name);
        return v == null || v.isEmpty() ? dflt : Long.parseLong(v.trim());
    }

    /** Open fds of this JVM: the entries of /proc/self/fd (minus the one the listing uses). */
    static int openFds() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length - 1;
    }

    /** fd number to link target, for reporting what leaked. */
    static TreeMap<Integer, String> fdTable() {
        TreeMap<Integer, String> out = new TreeMap<>();
        String[] names = new File("/proc/self/fd").list();
        if (names == null) {
            return out;
        }
        for (String n : names) {
            try {
                out.put(Integer.parseInt(n), Files.readSymbolicLink(Paths.get("/proc/self/fd", n)).toString());
            } catch (IOException | NumberFormatException gone) {
                // the listing's own fd, or closed meanwhile
            }
        }
        return out;
    }

    /**
     * What differs between two {@link #fdTable()} snapshots: "+fd target" / "-fd target". Jar
     * files are left out: the JVM opens them when it first loads a class from them.
     */
    /** Files the JVM opens and closes by itself: jars it loads lazily, cgroup files it reads for container metrics. */
    static boolean jvmOwn(String target) {
        return target.endsWith(".jar") || target.startsWith("/sys/fs/cgroup/");
    }

    static List<String> fdDiff(TreeMap<Integer, String> before, TreeMap<Integer, String> after) {
        List<String> out = new ArrayList<>();
        for (Integer fd : after.keySet()) {
            if (!after.get(fd).equals(before.get(fd)) && !jvmOwn(after.get(fd))) {
                String info = "";
                if (after.get(fd).startsWith("socket:[")) {
                    info = " (" + socketKind(after.get(fd)) + ")";
                }
                if (after.get(fd).contains("pidfd")) {
                    try {
                        for (String l : Files.readAllLines(Paths.get("/proc/self/fdinfo", fd.toString()))) {
                            if (l.startsWith("Pid:")) {
                                info = " (" + l.replace('\t', ' ') + "; this JVM is " + ProcessHandle.current().pid() + ")";
                            }
                        }
                    } catch (IOException gone) {
                        // closed meanwhile
                    }
                }
                out.add("+" + fd + " " + after.get(fd) + info);
            }
        }
        for (Integer fd : before.keySet()) {
            if (!after.containsKey(fd) && !jvmOwn(before.get(fd))) {
                out.add("-" + fd + " " + before.get(fd));
            }
        }
        return out;
    }

    /** Which /proc/net table lists a socket inode ("tcp", "udp6", "unix", "netlink", ...). */
    static String socketKind(String link) {
        String inode = link.replaceAll("[^0-9]", "");
        for (String t : new String[] {"tcp", "tcp6", "udp", "udp6", "unix", "netlink", "packet", "raw", "raw6"}) {
            try {
                for (String l : Files.readAllLines(Paths.get("/proc/net", t))) {
                    if (l.matches(".*\\s" + inode + "(\\s.*)?")) {
                        return t + ": " + l.trim().replaceAll("\\s+", " ");
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // not this table
            }
        }
        return "not in /proc/net";
    }

    /** Resident set size of this process in KiB (VmRSS of /proc/self/status). */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return -1;
    }

    /** Runs the collector and the cleaners a few times, so dropped objects are freed. */
    static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    /**
     * The private {@code handle} of a facade object. A handle is {@code generation << 32 | slot}
     * (src/core/registry.rs): the slot index is the only view Java has of the handle table.
     */
    static long handleOf(Object facadeObject) {
        try {
            Field f = facadeObject.getClass().getDeclaredField("handle");
            f.setAccessible(true);
            return f.getLong(facadeObject);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The slot a new socket gets: the registry reuses freed slots (a stack), so with nothing
     * leaked the next socket takes a low slot; a leak of k handles pushes it up by k.
     */
    static int nextSocketSlot() throws SocketError {
        try (NativeSocket s = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM)) {
            return (int) (handleOf(s) & 0xffff_ffffL);
        }
    }

    /** Closes a raw fd (one {@code detach()} handed out) through a Java stream. */
    static void closeRawFd(int fd) {
        try {
            FileDescriptor d = new FileDescriptor();
            Field f = FileDescriptor.class.getDeclaredField("fd");
            f.setAccessible(true);
            f.setInt(d, fd);
            new FileInputStream(d).close();
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException("cannot close fd " + fd + " (needs --add-opens java.base/java.io=ALL-UNNAMED)", e);
        }
    }

    static Path certDir() {
        return Paths.get(System.getProperty("sockbridge.certs", "build/test-certs"));
    }

    static byte[] cert(String name) throws IOException {
        return Files.readAllBytes(certDir().resolve(name));
    }

    /** A server context presenting server.pem (CN/SAN localhost, signed by the test CA). */
    static TlsContext serverContext() throws Exception {
        return TlsContext.server(TlsPolicy.insecureAcceptAnyCertificate()
                .identity(cert("server.pem"), cert("server.key")));
    }

    /** A client context trusting only the test CA, checking the hostname. */
    static TlsContext clientContext() throws Exception {
        return TlsContext.client(TlsPolicy.secureDefaults().clearTrust()
                .trustCaFile(certDir().resolve("ca.pem").toString()));
    }

    static NativeSocket listener() throws SocketError {
        NativeSocket s = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM);
        s.setSockOpt(SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, 1);
        s.bind(SockAddr.inet("127.0.0.1", 0));
        s.listen(128);
        return s;
    }

    /** A connected TCP pair on loopback: {client, server side}. */
    static NativeSocket[] tcpPair(NativeSocket listener) throws SocketError {
        NativeSocket c = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM);
        try {
            c.connect(listener.getSockName());
            return new NativeSocket[] {c, listener.accept().socket};
        } catch (SocketError e) {
            c.close();
            throw e;
        }
    }
}
