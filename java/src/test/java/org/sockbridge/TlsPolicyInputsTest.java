package org.sockbridge;

import static org.junit.Assert.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.Test;

/**
 * The remaining policy inputs: a CA directory, DER CA data, SEC1 and PKCS#1 private keys
 * (converted and made with the openssl CLI), and SPKI pins.
 */
public class TlsPolicyInputsTest {
    private static String serve(TlsPolicy server, TlsPolicy client) throws Exception {
        try (Tls.Server s = new Tls.Server(TlsContext.server(server))) {
            return Tls.clientOutcome(client, s.address(), "localhost");
        }
    }

    private static void openssl(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, p.waitFor());
    }

    @Test
    public void caDirectoryAndDerCaData() throws Exception {
        File dir = Files.createTempDirectory("sockbridge-capath").toFile();
        Files.copy(new File(Tls.path("ca.pem")).toPath(), new File(dir, "test-ca.pem").toPath());
        Files.write(new File(dir, "not-a-cert.txt").toPath(), "ignored".getBytes(StandardCharsets.US_ASCII));
        TlsPolicy fromDir = TlsPolicy.secureDefaults().clearTrust().trustCaDirectory(dir.getPath());
        assertEquals("ok", serve(Tls.serverPolicy("server"), fromDir));
        TlsPolicy fromDer = TlsPolicy.secureDefaults().clearTrust().trustCaData(Tls.read("ca.der"));
        assertEquals("ok", serve(Tls.serverPolicy("server"), fromDer));
        TlsPolicy otherCa = TlsPolicy.secureDefaults().clearTrust().trustCaFile(Tls.path("other_ca.pem"));
        assertEquals("CERTIFICATE_VERIFY_FAILED 20", serve(Tls.serverPolicy("server"), otherCa));
    }

    @Test
    public void sec1AndPkcs1PrivateKeys() throws Exception {
        File dir = Files.createTempDirectory("sockbridge-keys").toFile();
        File sec1 = new File(dir, "server-sec1.key");
        openssl("pkey", "-in", Tls.path("server.key"), "-traditional", "-out", sec1.getPath());
        String sec1Pem = new String(Files.readAllBytes(sec1.toPath()), StandardCharsets.US_ASCII);
        assertTrue(sec1Pem, sec1Pem.startsWith("-----BEGIN EC PRIVATE KEY-----"));
        TlsPolicy sec1Server = TlsPolicy.insecureAcceptAnyCertificate()
                .identity(Tls.read("server.pem"), Files.readAllBytes(sec1.toPath()));
        assertEquals("ok", serve(sec1Server, Tls.trustingTestCa()));

        // An RSA key in PKCS#1 form, its certificate signed by the test CA.
        File rsaKey = new File(dir, "rsa.key");
        File csr = new File(dir, "rsa.csr");
        File ext = new File(dir, "san.ext");
        File rsaCert = new File(dir, "rsa.pem");
        openssl("genrsa", "-traditional", "-out", rsaKey.getPath(), "2048");
        openssl("req", "-new", "-key", rsaKey.getPath(), "-subj", "/CN=localhost", "-out", csr.getPath());
        Files.write(ext.toPath(), "subjectAltName=DNS:localhost\n".getBytes(StandardCharsets.US_ASCII));
        openssl("x509", "-req", "-in", csr.getPath(), "-CA", Tls.path("ca.pem"), "-CAkey", Tls.path("ca.key"),
                "-CAcreateserial", "-CAserial", new File(dir, "ca.srl").getPath(), "-days", "2",
                "-extfile", ext.getPath(), "-out", rsaCert.getPath());
        String pkcs1 = new String(Files.readAllBytes(rsaKey.toPath()), StandardCharsets.US_ASCII);
        assertTrue(pkcs1, pkcs1.startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        TlsPolicy rsaServer = TlsPolicy.insecureAcceptAnyCertificate()
                .identity(Files.readAllBytes(rsaCert.toPath()), Files.readAllBytes(rsaKey.toPath()));
        assertEquals("ok", serve(rsaServer, Tls.trustingTestCa()));
    }

    @Test
    public void spkiPins() throws Exception {
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(Tls.read("selfsigned.pem")));
        byte[] spki = MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
        TlsPolicy pinned = TlsPolicy.secureDefaults().clearTrust().pinSha256(spki, true).pinsReplaceChainValidation(true);
        assertEquals("ok", serve(Tls.serverPolicy("selfsigned"), pinned));
        assertEquals("CERTIFICATE_VERIFY_FAILED 1", serve(Tls.serverPolicy("server"), pinned.copy()));
        try {
            TlsPolicy.secureDefaults().pinSha256(new byte[31], true);
            fail();
        } catch (IllegalArgumentException expected) {
            assertEquals("a SHA-256 pin has 32 bytes", expected.getMessage());
        }
    }
}
