package com.example.consumer;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.Test;
import org.sockbridge.NativeLibrary;
import org.sockbridge.NativeSocket;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketTimeout;
import org.sockbridge.TlsContext;
import org.sockbridge.TlsPolicy;
import org.sockbridge.TlsSocket;

/**
 * An application's view of sockbridge: only the public API of the published jar, with the
 * native library loaded from inside that jar.
 */
public class ConsumerTest {
    private static final ExecutorService POOL = Executors.newCachedThreadPool();

    @AfterClass
    public static void stop() {
        POOL.shutdownNow();
    }

    @Test
    public void theLibraryComesFromTheJar() throws Exception {
        NativeLibrary.load();
        String source = NativeLibrary.source();
        String tmp = new File(System.getProperty("java.io.tmpdir")).getCanonicalPath();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(extracted|reused) (/.*/libsockbridge\\.so)").matcher(source);
        assertTrue(source, m.matches());
        String extracted = new File(m.group(2)).getCanonicalPath();
        assertTrue(extracted + " under " + tmp, extracted.matches(java.util.regex.Pattern.quote(tmp)
                + "/sockbridge-[^/]+/[^/]+/libsockbridge\\.so"));
        String jar = new File(NativeLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getName();
        assertEquals("sockbridge-" + System.getProperty("sockbridge.version", "0.1.0") + ".jar", jar);
    }

    @Test
    public void udpExchangeOnLoopback() throws Exception {
        try (NativeSocket server = NativeSocket.create(AF_INET, SOCK_DGRAM);
                NativeSocket client = NativeSocket.create(AF_INET, SOCK_DGRAM)) {
            server.bind(SockAddr.inet("127.0.0.1", 0));
            server.setTimeout(5.0);
            client.setTimeout(5.0);
            client.bind(SockAddr.inet("127.0.0.1", 0));
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            assertEquals(4, client.sendTo(ping, server.getSockName()));
            byte[] buf = new byte[64];
            NativeSocket.Received r = server.recvFrom(buf, 0, buf.length, 0);
            assertEquals("ping", new String(buf, 0, r.count, StandardCharsets.US_ASCII));
            assertEquals(client.getSockName(), r.address);
            server.sendTo("pong".getBytes(StandardCharsets.US_ASCII), r.address);
            NativeSocket.Received back = client.recvFrom(buf, 0, buf.length, 0);
            assertEquals("pong", new String(buf, 0, back.count, StandardCharsets.US_ASCII));
            assertEquals(server.getSockName(), back.address);
            // CPython's timeout semantics come along: nothing more to read -> timed out.
            client.setTimeout(0.2);
            try {
                client.recvFrom(buf, 0, buf.length, 0);
                fail("expected a timeout");
            } catch (SocketTimeout expected) {
                assertEquals("timed out", expected.getMessage());
            }
        }
    }

    @Test
    public void tlsExchangeOnLoopback() throws Exception {
        File certs = new File(System.getProperty("sockbridge.certs"));
        assertTrue("test certificates in " + certs + " (gradle testCerts in the sockbridge checkout)",
                new File(certs, "server.pem").isFile());
        byte[] chain = Files.readAllBytes(new File(certs, "server.pem").toPath());
        byte[] key = Files.readAllBytes(new File(certs, "server.key").toPath());
        TlsContext serverCtx = TlsContext.server(TlsPolicy.insecureAcceptAnyCertificate().identity(chain, key));
        TlsContext clientCtx = TlsContext.client(
                TlsPolicy.secureDefaults().clearTrust().trustCaFile(new File(certs, "ca.pem").getPath()));
        try (NativeSocket listener = NativeSocket.create(AF_INET, SOCK_STREAM)) {
            listener.bind(SockAddr.inet("127.0.0.1", 0));
            listener.listen(1);
            Future<String> server = POOL.submit(() -> {
                try (NativeSocket s = listener.accept().socket) {
                    s.setTimeout(10.0);
                    TlsSocket t = serverCtx.accept(s);
                    t.handshake();
                    byte[] buf = new byte[256];
                    int n = t.read(buf, 0, buf.length);
                    String got = new String(buf, 0, n, StandardCharsets.UTF_8);
                    t.writeAll(("echo:" + got).getBytes(StandardCharsets.UTF_8));
                    t.closeNotify();
                    return got;
                }
            });
            try (NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM)) {
                c.setTimeout(10.0);
                c.connect(listener.getSockName());
                TlsSocket t = clientCtx.wrap(c, "localhost");
                t.handshake();
                assertTrue(t.version(), t.version().startsWith("TLSv1."));
                t.writeAll("hello over rustls".getBytes(StandardCharsets.UTF_8));
                StringBuilder reply = new StringBuilder();
                byte[] buf = new byte[256];
                int n;
                while ((n = t.read(buf, 0, buf.length)) > 0) {
                    reply.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                assertEquals("echo:hello over rustls", reply.toString());
                assertEquals("hello over rustls", server.get(10, TimeUnit.SECONDS));
                assertFalse(t.peerCertificates().isEmpty());
                String subject = t.peerCertificates().get(0).getSubjectX500Principal().getName();
                assertTrue(subject, subject.contains("CN=localhost"));
            }
        }
    }
}
