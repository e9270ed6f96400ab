package org.sockbridge;

import static org.sockbridge.SocketConstants.*;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.Future;

/** Helpers for the TLS tests: the certificates made at test time, and a loopback server. */
final class Tls {
    private Tls() {}

    static File certDir() {
        return new File(System.getProperty("sockbridge.certs", "build/test-certs"));
    }

    static String path(String name) {
        return new File(certDir(), name).getPath();
    }

    static byte[] read(String name) throws Exception {
        return Files.readAllBytes(new File(certDir(), name).toPath());
    }

    /** A policy trusting only the test CA. */
    static TlsPolicy trustingTestCa() throws Exception {
        return TlsPolicy.secureDefaults().clearTrust().trustCaFile(path("ca.pem"));
    }

    /** A server policy presenting {@code leaf}.pem/.key. */
    static TlsPolicy serverPolicy(String leaf) throws Exception {
        return TlsPolicy.insecureAcceptAnyCertificate().identity(read(leaf + ".pem"), read(leaf + ".key"));
    }

    /** A running one-connection TLS echo server on 127.0.0.1. */
    static final class Server implements AutoCloseable {
        final NativeSocket listener;
        final Future<String> result;

        Server(TlsContext ctx) throws Exception {
            listener = Net.listener4();
            result = Net.async(() -> {
                try (NativeSocket s = listener.accept().socket) {
                    s.setTimeout(10.0);
                    TlsSocket t = ctx.accept(s);
                    try {
                        t.handshake();
                        byte[] buf = new byte[1024];
                        int n = t.read(buf, 0, buf.length);
                        t.writeAll(java.util.Arrays.copyOf(buf, n));
                        t.closeNotify();
                        return "ok " + t.version();
                    } catch (TlsError e) {
                        return e.reason().toString();
                    } catch (SocketError e) {
                        return "error " + e.errno();
                    }
                }
            });
        }

        SockAddr address() throws SocketError {
            return listener.getSockName();
        }

        @Override
        public void close() {
            listener.close();
        }
    }

    /** Connects, handshakes with {@code name}, echoes "ping"; returns "ok" or the failure. */
    static String clientOutcome(TlsPolicy policy, SockAddr to, String name) throws Exception {
        try (NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            c.setTimeout(10.0);
            c.connect(to);
            TlsSocket t = TlsContext.client(policy).wrap(c, name);
            try {
                t.handshake();
                t.writeAll("ping".getBytes("UTF-8"));
                byte[] buf = new byte[16];
                int n = t.read(buf, 0, buf.length);
                return "ping".equals(new String(buf, 0, n, "UTF-8")) ? "ok" : "bad echo";
            } catch (TlsError e) {
                return e.reason() + (e.verifyCode() != 0 ? " " + e.verifyCode() : "");
            }
        }
    }
}
