package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * Real peers: our client against {@code openssl s_server} (TLS 1.2 and 1.3, with and without
 * client authentication); {@code openssl s_client} and CPython 3's {@code ssl} against our
 * server; a non-blocking handshake driven by poll; 100 MB through TLS with a digest check.
 */
public class TlsPeersTest {
    private static int freePort() throws Exception {
        try (NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            s.bind(SockAddr.inet("127.0.0.1", 0));
            return s.getSockName().port();
        }
    }

    private static String slurp(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Starts {@code openssl s_server -rev} for one connection and waits until it listens. */
    private static Process sServer(int port, String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", Tls.path("server.pem"), "-key", Tls.path("server.key"), "-rev", "-naccept", "1"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // s_server prints ACCEPT once it listens (probing the port would use up -naccept 1).
        java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        Future<Boolean> ready = Net.async(() -> {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACCEPT")) {
                    Net.async(() -> drain(out));
                    return true;
                }
            }
            return false;
        });
        if (!ready.get(10, TimeUnit.SECONDS)) {
            p.destroy();
            throw new AssertionError("openssl s_server did not start");
        }
        return p;
    }

    private static Void drain(java.io.BufferedReader r) throws Exception {
        while (r.readLine() != null) {
            // keep s_server's output pipe from filling
        }
        return null;
    }

    /** Sends "hello\n" to s_server -rev; returns the reply line and the version. */
    private static String[] talkToSServer(int port, TlsPolicy policy) throws Exception {
        try (NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            c.setTimeout(10.0);
            c.connect(SockAddr.inet("127.0.0.1", port));
            TlsSocket t = TlsContext.client(policy).wrap(c, "localhost");
            t.handshake();
            t.writeAll("hello\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder line = new StringBuilder();
            byte[] buf = new byte[64];
            while (line.indexOf("\n") < 0) {
                int n = t.read(buf, 0, buf.length);
                if (n == 0) {
                    break;
                }
                line.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            return new String[] {line.toString().trim(), t.version()};
        }
    }

    @Test
    public void ourClientAgainstOpensslServerTls13AndTls12() throws Exception {
        for (String version : new String[] {"-tls1_3", "-tls1_2"}) {
            int port = freePort();
            Process server = sServer(port, version);
            try {
                String[] got = talkToSServer(port, Tls.trustingTestCa());
                assertEquals("olleh", got[0]);
                assertEquals(version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2", got[1]);
            } finally {
                server.destroy();
                server.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    public void ourClientAgainstOpensslServerRequiringClientCertificates() throws Exception {
        int port = freePort();
        Process server = sServer(port, "-Verify", "1", "-CAfile", Tls.path("ca.pem"));
        try {
            TlsPolicy withCert = Tls.trustingTestCa().identity(Tls.read("client.pem"), Tls.read("client.key"));
            assertEquals("olleh", talkToSServer(port, withCert)[0]);
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
        port = freePort();
        server = sServer(port, "-Verify", "1", "-CAfile", Tls.path("ca.pem"));
        try {
            talkToSServer(port, Tls.trustingTestCa());
            fail("the server requires a client certificate");
        } catch (SocketError e) {
            // TLS 1.3: the refusal arrives as an alert after the client's Finished
            assertNotNull(e.getMessage());
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Future<String> echoServer(NativeSocket listener, TlsContext ctx) {
        return Net.async(() -> {
            try (NativeSocket s = listener.accept().socket) {
                s.setTimeout(10.0);
                TlsSocket t = ctx.accept(s);
                t.handshake();
                byte[] buf = new byte[256];
                int n = t.read(buf, 0, buf.length);
                t.writeAll(java.util.Arrays.copyOf(buf, n));
                t.closeNotify();
                return t.version();
            }
        });
    }

    @Test
    public void opensslClientAgainstOurServer() throws Exception {
        try (NativeSocket l = Net.listener4()) {
            Future<String> served = echoServer(l, TlsContext.server(Tls.serverPolicy("server")));
            Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + l.getSockName().port(),
                    "-CAfile", Tls.path("ca.pem"), "-servername", "localhost", "-verify_return_error")
                    .redirectErrorStream(true).start();
            client.getOutputStream().write("ping from openssl\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            assertEquals("TLSv1.3", served.get(20, TimeUnit.SECONDS));
            client.getOutputStream().close();
            String out = slurp(client.getInputStream());
            client.waitFor(10, TimeUnit.SECONDS);
            assertTrue(out, out.contains("Verify return code: 0 (ok)"));
            assertTrue(out, out.contains("ping from openssl"));
        }
    }

    @Test
    public void cpythonSslClientAgainstOurServer() throws Exception {
        try (NativeSocket l = Net.listener4()) {
            TlsPolicy policy = Tls.serverPolicy("server").alpn(List.of("h2", "http/1.1"));
            Future<String> served = echoServer(l, TlsContext.server(policy));
            String script = String.join("\n",
                    "import socket, ssl, sys",
                    "ctx = ssl.create_default_context(cafile=sys.argv[1])",
                    "ctx.set_alpn_protocols(['http/1.1'])",
                    "with socket.create_connection(('127.0.0.1', int(sys.argv[2]))) as raw:",
                    "    with ctx.wrap_socket(raw, server_hostname='localhost') as s:",
                    "        s.sendall(b'from cpython')",
                    "        print(s.recv(100).decode(), s.version(), s.selected_alpn_protocol())");
            Process py = new ProcessBuilder("python3", "-c", script, Tls.path("ca.pem"),
                    Integer.toString(l.getSockName().port())).redirectErrorStream(true).start();
            String out = slurp(py.getInputStream());
            assertEquals(out, 0, py.waitFor());
            assertEquals("from cpython TLSv1.3 http/1.1", out.trim());
            assertEquals("TLSv1.3", served.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    public void nonBlockingHandshakeAndTransferDrivenByPoll() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        p[0].setTimeout(0.0);
        p[1].setTimeout(0.0);
        TlsSocket client = TlsContext.client(Tls.trustingTestCa()).wrap(p[0], "localhost");
        TlsSocket server = TlsContext.server(Tls.serverPolicy("server")).accept(p[1]);
        boolean clientDone = false;
        boolean serverDone = false;
        int wants = 0;
        for (int round = 0; round < 200 && !(clientDone && serverDone); round++) {
            for (int side = 0; side < 2; side++) {
                TlsSocket t = side == 0 ? client : server;
                if (side == 0 ? clientDone : serverDone) {
                    continue;
                }
                try {
                    t.handshake();
                    if (side == 0) {
                        clientDone = true;
                    } else {
                        serverDone = true;
                    }
                } catch (TlsError e) {
                    assertTrue(e.reason() == TlsError.Reason.WANT_READ || e.reason() == TlsError.Reason.WANT_WRITE);
                    wants++;
                }
            }
            Poller.select(List.of(p[0], p[1]), List.of(), List.of(), 0.1);
        }
        assertTrue(clientDone && serverDone);
        assertTrue("the handshake needed several rounds", wants > 0);
        client.writeAll("nb".getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[8];
        int n = -1;
        for (int i = 0; i < 100 && n < 0; i++) {
            try {
                n = server.read(buf, 0, buf.length);
            } catch (TlsError e) {
                assertEquals(TlsError.Reason.WANT_READ, e.reason());
                Poller.select(List.of(p[1]), List.of(), List.of(), 1.0);
            }
        }
        assertEquals("nb", new String(buf, 0, n, StandardCharsets.US_ASCII));
        client.close();
        server.close();
    }

    @Test
    public void hundredMegabytesThroughTlsWithADigestCheck() throws Exception {
        final int total = 100 * 1024 * 1024;
        byte[] block = new byte[1 << 20];
        new java.util.Random(7).nextBytes(block);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (NativeSocket l = Net.listener4()) {
            TlsContext serverCtx = TlsContext.server(Tls.serverPolicy("server"));
            Future<byte[]> received = Net.async(() -> {
                try (NativeSocket s = l.accept().socket) {
                    TlsSocket t = serverCtx.accept(s);
                    MessageDigest d = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[65536];
                    long got = 0;
                    int n;
                    while ((n = t.read(buf, 0, buf.length)) > 0) {
                        d.update(buf, 0, n);
                        got += n;
                    }
                    assertEquals(total, got);
                    return d.digest();
                }
            });
            try (NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
                c.connect(l.getSockName());
                TlsSocket t = TlsContext.client(Tls.trustingTestCa()).wrap(c, "localhost");
                for (int i = 0; i < total / block.length; i++) {
                    t.writeAll(block);
                    sent.update(block);
                }
                t.closeNotify();
                assertArrayEquals(sent.digest(), received.get(120, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    public void sessionInformation() throws Exception {
        try (NativeSocket l = Net.listener4()) {
            TlsPolicy serverPolicy = Tls.serverPolicy("server").alpn(List.of("spdy", "h2"));
            Future<String> served = echoServer(l, TlsContext.server(serverPolicy));
            try (NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
                c.setTimeout(10.0);
                c.connect(l.getSockName());
                TlsPolicy policy = Tls.trustingTestCa().alpn(List.of("h2")).versions(TlsPolicy.TLS1_2, TlsPolicy.TLS1_2);
                TlsSocket t = TlsContext.client(policy).wrap(c, "localhost");
                t.handshake();
                assertEquals("TLSv1.2", t.version());
                assertEquals("h2", t.alpnProtocol());
                assertTrue(t.cipherName(), t.cipherName().startsWith("ECDHE-ECDSA-"));
                assertEquals("C=US,CN=localhost", t.peerCertificates().get(0).getSubjectX500Principal().getName());
                TlsSocket.CertInfo info = TlsSocket.decodeCertificate(t.peerCertificatesDer().get(0));
                assertEquals("3", info.fields.get("version"));
                assertEquals("commonName", info.subject.get(0).get(0)[0]);
                assertEquals("localhost", info.subject.get(0).get(0)[1]);
                assertEquals("IP Address", info.subjectAltName.get(1)[0]);
                assertEquals("127.0.0.1", info.subjectAltName.get(1)[1]);
                assertEquals("0:0:0:0:0:0:0:1", info.subjectAltName.get(2)[1].replace("0000", "0"));
                t.writeAll(new byte[] {1});
                t.read(new byte[1], 0, 1);
            }
            assertEquals("TLSv1.2", served.get(10, TimeUnit.SECONDS));
        }
    }
}
