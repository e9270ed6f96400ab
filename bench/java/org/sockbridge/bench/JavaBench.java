package org.sockbridge.bench;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.sockbridge.NativeSocket;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketConstants;
import org.sockbridge.TlsContext;
import org.sockbridge.TlsPolicy;
import org.sockbridge.TlsSocket;

/**
 * The Java side of the benchmarks, a worker driven by bench/run.py: one command per line on
 * stdin, one line of JSON per answer on stdout ({"value": ...} or {"error": "..."}), so the
 * facade, java.nio, Netty and JSSE are measured alternately in one warmed-up JVM.
 *
 * <p>Commands: {@code udp_rtt facade|nio|netty SECONDS} (us per 64-byte round trip, 5 s receive
 * timeout where the API has one), {@code tcp_stream facade|nio|netty SECONDS} (MB/s, 256 KiB
 * blocks), {@code tls_hs rustls|jsse SECONDS CERTDIR} (full TLS 1.3 handshakes/s, client and
 * server threads in this process, P-256 certificate), {@code tls_bulk rustls|jsse SECONDS CERTDIR}
 * (MB/s; rustls-shared and rustls-nodelay are diagnosis variants of tls_hs), {@code has_class NAME},
 * {@code quit}.
 */
public final class JavaBench {
    private static final int BLOCK = 262144;

    private JavaBench() {
    }

    /** The worker loop. */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("{\"ready\": true, \"version\": \"" + System.getProperty("java.version") + "\"}");
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split("\\s+");
            if (w[0].isEmpty()) {
                continue;
            }
            if (w[0].equals("quit")) {
                break;
            }
            String answer;
            try {
                answer = handle(w);
            } catch (Throwable e) {
                answer = error(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            out.println(answer);
        }
    }

    private static String handle(String[] w) throws Exception {
        switch (w[0]) {
            case "udp_rtt":
                return udpRtt(w[1], Double.parseDouble(w[2]));
            case "tcp_stream":
                return tcpStream(w[1], Double.parseDouble(w[2]));
            case "tls_hs":
                return w[1].equals("jsse") ? Tls.jsseHandshakes(Double.parseDouble(w[2]), w[3])
                        : Tls.rustlsHandshakes(Double.parseDouble(w[2]), w[3], w[1].equals("rustls-shared"),
                                w[1].equals("rustls-nodelay"));
            case "tls_bulk":
                return w[1].equals("jsse") ? Tls.jsseBulk(Double.parseDouble(w[2]), w[3])
                        : Tls.rustlsBulk(Double.parseDouble(w[2]), w[3]);
            case "has_class":
                try {
                    Class.forName(w[1]);
                    return value(1);
                } catch (ClassNotFoundException e) {
                    return error("class " + w[1] + " is not on the classpath");
                }
            default:
                return error("unknown command " + w[0]);
        }
    }

    static String value(double v) {
        return String.format(Locale.ROOT, "{\"value\": %.4f}", v);
    }

    static String error(String message) {
        return "{\"error\": \"" + String.valueOf(message).replace("\\", "\\\\").replace("\"", "'")
                .replace("\n", " ") + "\"}";
    }

    /** An operation that may throw. */
    interface Op {
        void run() throws Exception;
    }

    /** Runs op in batches until seconds have passed: {calls, elapsed seconds}. */
    static double[] timed(double seconds, int batch, Op op) throws Exception {
        long start = System.nanoTime();
        long n = 0;
        while (true) {
            for (int i = 0; i < batch; i++) {
                op.run();
            }
            n += batch;
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (elapsed >= seconds) {
                return new double[] {n, elapsed};
            }
        }
    }

    private static String udpRtt(String impl, double seconds) throws Exception {
        Op once;
        AutoCloseable[] closers;
        byte[] msg = new byte[64];
        if (impl.equals("facade")) {
            NativeSocket a = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM);
            NativeSocket b = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM);
            a.bind(SockAddr.inet("127.0.0.1", 0));
            b.bind(SockAddr.inet("127.0.0.1", 0));
            a.setTimeout(5.0);
            b.setTimeout(5.0);
            SockAddr addrB = b.getSockName();
            byte[] buf = new byte[2048];
            once = () -> {
                a.sendTo(msg, 0, msg.length, 0, addrB);
                NativeSocket.Received r = b.recvFrom(buf, 0, buf.length, 0);
                b.sendTo(buf, 0, r.count, 0, r.address);
                a.recvFrom(buf, 0, buf.length, 0);
            };
            closers = new AutoCloseable[] {a, b};
        } else if (impl.equals("nio")) {
            // Blocking channels: NIO has no receive timeout on a channel (that is java.net's).
            DatagramChannel a = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            DatagramChannel b = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress addrB = (InetSocketAddress) b.getLocalAddress();
            ByteBuffer out = ByteBuffer.allocateDirect(64);
            ByteBuffer in = ByteBuffer.allocateDirect(2048);
            once = () -> {
                out.clear();
                a.send(out, addrB);
                in.clear();
                java.net.SocketAddress from = b.receive(in);
                in.flip();
                b.send(in, from);
                in.clear();
                a.receive(in);
            };
            closers = new AutoCloseable[] {a, b};
        } else if (impl.equals("netty")) {
            return netty("udpRtt", seconds);
        } else {
            return error("unknown implementation " + impl);
        }
        try {
            for (int i = 0; i < 2000; i++) {
                once.run();
            }
            double[] r = timed(seconds, 256, once);
            return value(r[1] / r[0] * 1e6);
        } finally {
            for (AutoCloseable c : closers) {
                c.close();
            }
        }
    }

    /** Netty's epoll transport, from bench/java-netty, compiled only where Netty's jars exist. */
    private static String netty(String method, double seconds) throws Exception {
        Class<?> k;
        try {
            k = Class.forName("org.sockbridge.bench.NettyBench");
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            return error("not available: Netty's jars are not on the classpath");
        }
        Method m = k.getMethod(method, double.class);
        try {
            return (String) m.invoke(null, seconds);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NoClassDefFoundError) {
                return error("not available: Netty's jars are not on the classpath (" + cause.getMessage() + ")");
            }
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private static String tcpStream(String impl, double seconds) throws Exception {
        if (impl.equals("netty")) {
            return netty("tcpStream", seconds);
        }
        final long[] got = new long[1];
        Thread reader;
        Op send;
        Op finish;
        AutoCloseable[] closers;
        byte[] block = new byte[BLOCK];
        if (impl.equals("facade")) {
            NativeSocket l = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM);
            l.bind(SockAddr.inet("127.0.0.1", 0));
            l.listen(1);
            NativeSocket c = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM);
            c.connect(l.getSockName());
            NativeSocket s = l.accept().socket;
            reader = new Thread(() -> {
                byte[] buf = new byte[BLOCK];
                try {
                    int n;
                    while ((n = s.recv(buf, 0, buf.length, 0)) > 0) {
                        got[0] += n;
                    }
                } catch (Exception e) {
                    got[0] = -1;
                }
            });
            send = () -> c.sendAll(block);
            finish = () -> c.shutdown(SocketConstants.SHUT_WR);
            closers = new AutoCloseable[] {c, s, l};
        } else if (impl.equals("nio")) {
            ServerSocketChannel l = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            SocketChannel c = SocketChannel.open(l.getLocalAddress());
            SocketChannel s = l.accept();
            ByteBuffer out = ByteBuffer.allocateDirect(BLOCK);
            reader = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
                try {
                    int n;
                    while ((n = s.read(buf)) > 0) {
                        got[0] += n;
                        buf.clear();
                    }
                } catch (Exception e) {
                    got[0] = -1;
                }
            });
            send = () -> {
                out.clear();
                while (out.hasRemaining()) {
                    c.write(out);
                }
            };
            finish = () -> c.shutdownOutput();
            closers = new AutoCloseable[] {c, s, l};
        } else {
            return error("unknown implementation " + impl);
        }
        try {
            reader.start();
            send.run();
            long start = System.nanoTime();
            long sent = 0;
            while ((System.nanoTime() - start) / 1e9 < seconds) {
                for (int i = 0; i < 8; i++) {
                    send.run();
                }
                sent += 8L * BLOCK;
            }
            finish.run();
            reader.join();
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (got[0] != sent + BLOCK) {
                return error("received " + got[0] + " of " + (sent + BLOCK) + " bytes");
            }
            return value(sent / elapsed / 1e6);
        } finally {
            for (AutoCloseable c : closers) {
                c.close();
            }
        }
    }

    /** TLS: the facade's rustls (TlsContext / TlsSocket) and JSSE, same certificates. */
    static final class Tls {
        private Tls() {
        }

        static byte[] read(String dir, String name) throws Exception {
            return Files.readAllBytes(Paths.get(dir, name));
        }

        static TlsContext rustlsServer(String dir) throws Exception {
            return TlsContext.server(TlsPolicy.insecureAcceptAnyCertificate()
                    .verify(TlsPolicy.Verify.NONE)
                    .identity(read(dir, "server.pem"), read(dir, "server.key")));
        }

        static TlsPolicy rustlsClientPolicy(String dir) throws Exception {
            return TlsPolicy.secureDefaults().clearTrust().trustCaFile(Paths.get(dir, "ca.pem").toString());
        }

        static NativeSocket[] tcpPair(NativeSocket l) throws Exception {
            NativeSocket c = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM);
            c.connect(l.getSockName());
            return new NativeSocket[] {c, l.accept().socket};
        }

        /** TCP_NODELAY: only for the diagnosis variant (rustls-nodelay), never for the compared figures. */
        static NativeSocket nodelay(NativeSocket s) throws Exception {
            s.setSockOpt(SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, 1);
            return s;
        }

        static NativeSocket listener() throws Exception {
            NativeSocket l = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM);
            l.bind(SockAddr.inet("127.0.0.1", 0));
            l.listen(16);
            return l;
        }

        /**
         * Full handshakes: a fresh client TlsContext per connection (a shared one could resume
         * the session rustls cached), one byte from the server once its side is done, then close.
         * Variants: rustls-shared (one client context), rustls-nodelay (TCP_NODELAY on both ends,
         * to show what a Nagle / delayed-ACK stall costs).
         */
        static String rustlsHandshakes(double seconds, String dir, boolean shared, boolean nodelay) throws Exception {
            TlsContext server = rustlsServer(dir);
            TlsPolicy clientPolicy = rustlsClientPolicy(dir);
            NativeSocket l = listener();
            final String[] failure = new String[1];
            Thread t = new Thread(() -> {
                byte[] bang = {'!'};
                while (true) {
                    NativeSocket s;
                    try {
                        s = l.accept().socket;
                    } catch (Exception e) {
                        return;
                    }
                    try (TlsSocket ts = server.accept(nodelay ? nodelay(s) : s)) {
                        ts.handshake();
                        ts.writeAll(bang);
                    } catch (Exception e) {
                        failure[0] = "server: " + e;
                        s.close();
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            byte[] one = new byte[1];
            TlsContext sharedClient = TlsContext.client(clientPolicy);
            Op once = () -> {
                NativeSocket c = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM);
                c.connect(l.getSockName());
                if (nodelay) {
                    nodelay(c);
                }
                TlsContext client = shared ? sharedClient : TlsContext.client(clientPolicy);
                try (TlsSocket ts = client.wrap(c, "localhost")) {
                    ts.handshake();
                    if (ts.read(one, 0, 1) != 1 || one[0] != '!') {
                        throw new IllegalStateException("no byte from the server");
                    }
                    if (!"TLSv1.3".equals(ts.version())) {
                        throw new IllegalStateException("negotiated " + ts.version());
                    }
                }
            };
            try {
                once.run();
                double[] r = timed(seconds, 4, once);
                return failure[0] != null ? error(failure[0]) : value(r[0] / r[1]);
            } finally {
                l.close();
            }
        }

        static String rustlsBulk(double seconds, String dir) throws Exception {
            TlsContext server = rustlsServer(dir);
            NativeSocket l = listener();
            NativeSocket[] pair = tcpPair(l);
            final long[] got = new long[1];
            final String[] failure = new String[1];
            Thread t = new Thread(() -> {
                try (TlsSocket ts = server.accept(pair[1])) {
                    ts.handshake();
                    byte[] buf = new byte[BLOCK];
                    int n;
                    while ((n = ts.read(buf, 0, buf.length)) > 0) {
                        got[0] += n;
                        if (buf[n - 1] == '!') {
                            break;
                        }
                    }
                    ts.writeAll(new byte[] {'k'});
                } catch (Exception e) {
                    failure[0] = "server: " + e;
                }
            });
            t.start();
            byte[] block = new byte[BLOCK];
            try (TlsSocket ts = TlsContext.client(rustlsClientPolicy(dir)).wrap(pair[0], "localhost")) {
                ts.handshake();
                ts.writeAll(block);
                long sent = 0;
                long start = System.nanoTime();
                while ((System.nanoTime() - start) / 1e9 < seconds) {
                    for (int i = 0; i < 4; i++) {
                        ts.writeAll(block);
                    }
                    sent += 4L * BLOCK;
                }
                ts.writeAll(new byte[] {'!'});
                byte[] ack = new byte[1];
                int n = ts.read(ack, 0, 1);
                t.join();
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (failure[0] != null) {
                    return error(failure[0]);
                }
                if (n != 1 || got[0] != sent + BLOCK + 1) {
                    return error("received " + got[0] + " of " + (sent + BLOCK + 1) + " bytes");
                }
                return value(sent / elapsed / 1e6);
            } finally {
                l.close();
            }
        }

        static SSLContext jsse(String dir, boolean server) throws Exception {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            X509Certificate ca;
            try (FileInputStream f = new FileInputStream(Paths.get(dir, "ca.pem").toFile())) {
                ca = (X509Certificate) cf.generateCertificate(f);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            if (server) {
                Certificate[] chain;
                try (FileInputStream f = new FileInputStream(Paths.get(dir, "server.pem").toFile())) {
                    chain = cf.generateCertificates(f).toArray(new Certificate[0]);
                }
                String pem = new String(read(dir, "server.key"), StandardCharsets.US_ASCII)
                        .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                PrivateKey key = KeyFactory.getInstance("EC")
                        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
                ks.setKeyEntry("server", key, new char[0], chain);
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
                ctx.init(kmf.getKeyManagers(), null, null);
            } else {
                ks.setCertificateEntry("ca", ca);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                ctx.init(null, tmf.getTrustManagers(), null);
            }
            return ctx;
        }

        static SSLSocket jsseClient(SSLContext ctx, int port) throws Exception {
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setServerNames(java.util.Collections.singletonList(new javax.net.ssl.SNIHostName("localhost")));
            s.setSSLParameters(p);
            return s;
        }

        /** Full handshakes: the client's session is invalidated after each, so none resumes. */
        static String jsseHandshakes(double seconds, String dir) throws Exception {
            SSLContext serverCtx = jsse(dir, true);
            SSLContext clientCtx = jsse(dir, false);
            SSLServerSocket l = (SSLServerSocket) serverCtx.getServerSocketFactory()
                    .createServerSocket(0, 16, java.net.InetAddress.getByName("127.0.0.1"));
            final String[] failure = new String[1];
            Thread t = new Thread(() -> {
                while (true) {
                    SSLSocket s;
                    try {
                        s = (SSLSocket) l.accept();
                    } catch (Exception e) {
                        return;
                    }
                    try (SSLSocket ss = s) {
                        ss.startHandshake();
                        ss.getOutputStream().write('!');
                        ss.getOutputStream().flush();
                    } catch (Exception e) {
                        failure[0] = "server: " + e;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            Op once = () -> {
                try (SSLSocket c = jsseClient(clientCtx, l.getLocalPort())) {
                    c.startHandshake();
                    if (c.getInputStream().read() != '!') {
                        throw new IllegalStateException("no byte from the server");
                    }
                    if (!"TLSv1.3".equals(c.getSession().getProtocol())) {
                        throw new IllegalStateException("negotiated " + c.getSession().getProtocol());
                    }
                    c.getSession().invalidate();
                }
            };
            try {
                once.run();
                double[] r = timed(seconds, 4, once);
                return failure[0] != null ? error(failure[0]) : value(r[0] / r[1]);
            } finally {
                l.close();
            }
        }

        static String jsseBulk(double seconds, String dir) throws Exception {
            SSLContext serverCtx = jsse(dir, true);
            SSLContext clientCtx = jsse(dir, false);
            SSLServerSocket l = (SSLServerSocket) serverCtx.getServerSocketFactory()
                    .createServerSocket(0, 16, java.net.InetAddress.getByName("127.0.0.1"));
            final long[] got = new long[1];
            final String[] failure = new String[1];
            Thread t = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) l.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    byte[] buf = new byte[BLOCK];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        got[0] += n;
                        if (buf[n - 1] == '!') {
                            break;
                        }
                    }
                    s.getOutputStream().write('k');
                    s.getOutputStream().flush();
                } catch (Exception e) {
                    failure[0] = "server: " + e;
                }
            });
            t.start();
            byte[] block = new byte[BLOCK];
            try (SSLSocket c = jsseClient(clientCtx, l.getLocalPort())) {
                java.io.OutputStream out = c.getOutputStream();
                c.startHandshake();
                out.write(block);
                long sent = 0;
                long start = System.nanoTime();
                while ((System.nanoTime() - start) / 1e9 < seconds) {
                    for (int i = 0; i < 4; i++) {
                        out.write(block);
                    }
                    sent += 4L * BLOCK;
                }
                out.write('!');
                out.flush();
                int ack = c.getInputStream().read();
                t.join();
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (failure[0] != null) {
                    return error(failure[0]);
                }
                if (ack != 'k' || got[0] != sent + BLOCK + 1) {
                    return error("received " + got[0] + " of " + (sent + BLOCK + 1) + " bytes");
                }
                return value(sent / elapsed / 1e6);
            } finally {
                l.close();
            }
        }
    }
}
