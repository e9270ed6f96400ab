package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import org.junit.Test;

/**
 * The lean entry path of the hot natives (src/jni/lean.rs): a panic still becomes a Java
 * {@code Error}, errors still arrive as their exceptions, and results are the same as on the
 * full path.
 */
public class LeanEntryTest {
    static {
        NativeLibrary.load();
    }

    /** Panics inside the lean entry path (src/jni/lean.rs); declared here, for this test only. */
    private static native int nLeanPanicForTest();

    @Test
    public void aPanicOnTheLeanPathBecomesAJavaErrorAndTheJvmLivesOn() throws Exception {
        for (int i = 0; i < 3; i++) {
            try {
                nLeanPanicForTest();
                fail();
            } catch (Error expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("lean panic requested by test"));
            }
        }
        try (NativeSocket s = Net.udp4()) {
            assertTrue(s.fileno() >= 0);
        }
    }

    @Test
    public void leanNativesReportErrorsAsBefore() throws Exception {
        NativeSocket a = Net.udp4();
        NativeSocket b = Net.udp4();
        try {
            b.setBlocking(false);
            byte[] buf = new byte[16];
            assertEquals(11, Net.expectError(() -> b.recvFrom(buf, 0, buf.length, 0)).errno());
            assertEquals(11, Net.expectError(() -> b.recv(buf, 0, buf.length, 0)).errno());
            b.setTimeout(0.01);
            assertThrows(SocketTimeout.class, () -> b.recvFrom(buf, 0, buf.length, 0));
            assertEquals(3, a.sendTo(new byte[] {1, 2, 3}, b.getSockName()));
            b.setTimeout(5.0);
            NativeSocket.Received r = b.recvFrom(buf, 0, buf.length, 0);
            assertEquals(3, r.count);
            assertEquals(a.getSockName(), r.address);
            assertThrows(IndexOutOfBoundsException.class, () -> b.recv(buf, 10, 10, 0));
        } finally {
            a.close();
            b.close();
        }
        assertEquals(9, Net.expectError(a::fileno).errno());
        assertEquals(9, Net.expectError(() -> b.recv(new byte[4], 0, 4, 0)).errno());
    }
}
