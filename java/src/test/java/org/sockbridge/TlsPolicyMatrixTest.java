package org.sockbridge;

import static org.junit.Assert.*;

import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * The policy matrix through the Java API: each server certificate (made at test time) against
 * each client policy, with the expected outcome of every cell asserted.
 */
public class TlsPolicyMatrixTest {
    /** Columns: verify+hostname, verify without hostname, verify none. */
    private static final String[][] MATRIX = {
        // certificate, expected outcomes for: required+hostname, required, none
        {"server", "ok", "ok", "ok"},
        {"expired", "CERTIFICATE_VERIFY_FAILED 10", "CERTIFICATE_VERIFY_FAILED 10", "ok"},
        {"future", "CERTIFICATE_VERIFY_FAILED 9", "CERTIFICATE_VERIFY_FAILED 9", "ok"},
        {"wronghost", "CERTIFICATE_VERIFY_FAILED 62", "ok", "ok"},
        {"selfsigned", "CERTIFICATE_VERIFY_FAILED 18", "CERTIFICATE_VERIFY_FAILED 18", "ok"},
        {"unknownca", "CERTIFICATE_VERIFY_FAILED 20", "CERTIFICATE_VERIFY_FAILED 20", "ok"},
    };

    private static TlsPolicy client(int column) throws Exception {
        switch (column) {
            case 0:
                return Tls.trustingTestCa();
            case 1:
                return Tls.trustingTestCa().checkHostname(false);
            default:
                return TlsPolicy.insecureAcceptAnyCertificate();
        }
    }

    @Test
    public void everyCellHasItsExpectedOutcome() throws Exception {
        StringBuilder wrong = new StringBuilder();
        for (String[] row : MATRIX) {
            for (int col = 0; col < 3; col++) {
                TlsContext server = TlsContext.server(Tls.serverPolicy(row[0]));
                try (Tls.Server s = new Tls.Server(server)) {
                    String got = Tls.clientOutcome(client(col), s.address(), "localhost");
                    if (!got.equals(row[col + 1])) {
                        wrong.append(row[0]).append(" / column ").append(col).append(": expected ")
                                .append(row[col + 1]).append(", got ").append(got).append('\n');
                    }
                    s.result.get(10, TimeUnit.SECONDS);
                }
            }
        }
        assertEquals("", wrong.toString());
    }

    @Test
    public void ipAddressCertificatesMatchIpNamesOnly() throws Exception {
        TlsContext server = TlsContext.server(Tls.serverPolicy("ipsan"));
        try (Tls.Server s = new Tls.Server(server)) {
            assertEquals("ok", Tls.clientOutcome(Tls.trustingTestCa(), s.address(), "127.0.0.1"));
        }
        try (Tls.Server s = new Tls.Server(server)) {
            assertEquals("CERTIFICATE_VERIFY_FAILED 62", Tls.clientOutcome(Tls.trustingTestCa(), s.address(), "localhost"));
        }
    }

    @Test
    public void clientCertificateRequiredOptionalAndMissing() throws Exception {
        TlsPolicy required = Tls.serverPolicy("server").verify(TlsPolicy.Verify.REQUIRED).trustCaFile(Tls.path("ca.pem"));
        TlsPolicy optional = Tls.serverPolicy("server").verify(TlsPolicy.Verify.OPTIONAL).trustCaFile(Tls.path("ca.pem"));
        TlsPolicy withCert = Tls.trustingTestCa().identity(Tls.read("client.pem"), Tls.read("client.key"));
        try (Tls.Server s = new Tls.Server(TlsContext.server(required))) {
            assertEquals("ok", Tls.clientOutcome(withCert, s.address(), "localhost"));
            assertTrue(s.result.get(10, TimeUnit.SECONDS).startsWith("ok"));
        }
        try (Tls.Server s = new Tls.Server(TlsContext.server(required))) {
            String client = Tls.clientOutcome(Tls.trustingTestCa(), s.address(), "localhost");
            assertNotEquals("ok", client);
            assertEquals("PROTOCOL_ERROR", s.result.get(10, TimeUnit.SECONDS));
        }
        try (Tls.Server s = new Tls.Server(TlsContext.server(optional))) {
            assertEquals("ok", Tls.clientOutcome(Tls.trustingTestCa(), s.address(), "localhost"));
        }
    }

    @Test
    public void pinsAcceptOnlyTheRightCertificate() throws Exception {
        byte[] der = java.util.Base64.getMimeDecoder().decode(
                new String(Tls.read("selfsigned.pem"), "US-ASCII").replaceAll("-----[A-Z ]+-----", ""));
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(der);
        TlsPolicy pinnedOnly = TlsPolicy.secureDefaults().clearTrust().pinSha256(digest, false)
                .pinsReplaceChainValidation(true);
        try (Tls.Server s = new Tls.Server(TlsContext.server(Tls.serverPolicy("selfsigned")))) {
            assertEquals("ok", Tls.clientOutcome(pinnedOnly, s.address(), "localhost"));
        }
        try (Tls.Server s = new Tls.Server(TlsContext.server(Tls.serverPolicy("server")))) {
            assertEquals("CERTIFICATE_VERIFY_FAILED 1", Tls.clientOutcome(pinnedOnly, s.address(), "localhost"));
        }
        TlsPolicy pinnedAndChain = Tls.trustingTestCa().pinSha256(digest, false);
        try (Tls.Server s = new Tls.Server(TlsContext.server(Tls.serverPolicy("selfsigned")))) {
            assertEquals("pin matches but chain does not", "CERTIFICATE_VERIFY_FAILED 18",
                    Tls.clientOutcome(pinnedAndChain, s.address(), "localhost"));
        }
    }

    @Test
    public void garbageInputsFailClearly() throws Exception {
        try {
            TlsPolicy.secureDefaults().trustCaData("garbage".getBytes("UTF-8"));
            fail();
        } catch (TlsError e) {
            assertEquals(TlsError.Reason.BAD_CONFIGURATION, e.reason());
        }
        try {
            TlsPolicy.secureDefaults().trustCaFile("/nonexistent/ca.pem");
            fail();
        } catch (TlsError e) {
            assertEquals(TlsError.Reason.BAD_CONFIGURATION, e.reason());
        }
        try {
            TlsPolicy.secureDefaults().identity(Tls.read("server.pem"), Tls.read("client.key"));
            fail("mismatched key");
        } catch (TlsError e) {
            assertTrue(e.getMessage(), e.getMessage().contains("does not match"));
        }
        try {
            TlsContext.server(TlsPolicy.secureDefaults());
            fail("server without identity");
        } catch (TlsError e) {
            assertEquals(TlsError.Reason.BAD_CONFIGURATION, e.reason());
        }
        try {
            TlsSocket.decodeCertificate("not der".getBytes("UTF-8"));
            fail();
        } catch (TlsError e) {
            assertEquals(TlsError.Reason.BAD_CONFIGURATION, e.reason());
        }
        assertFalse("system store is loaded", TlsPolicy.secureDefaults().caCertificates().isEmpty());
    }
}
