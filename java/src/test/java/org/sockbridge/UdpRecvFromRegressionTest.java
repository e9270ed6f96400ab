package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import org.junit.Test;

/**
 * Regression for the old Jython bug "UDP recvfrom fails to get the remote address": in timeout
 * mode {@code recvfrom} returned {@code (None, -1)}. Here the sender comes back in every mode,
 * for IPv4 and IPv6.
 */
public class UdpRecvFromRegressionTest {
    private static final Double[] MODES = {null, 2.0, 0.0};

    private void check(int family, String host) throws Exception {
        for (Double mode : MODES) {
            try (NativeSocket rx = NativeSocket.create(family, SOCK_DGRAM);
                    NativeSocket tx = NativeSocket.create(family, SOCK_DGRAM)) {
                SockAddr any = family == AF_INET ? SockAddr.inet(host, 0) : SockAddr.inet6(host, 0, 0, 0);
                rx.bind(any);
                tx.bind(any);
                rx.setTimeout(mode);
                tx.sendTo("ping".getBytes("UTF-8"), rx.getSockName());
                if (mode != null && mode == 0.0) {
                    Poller.select(java.util.List.of(rx), java.util.List.of(), java.util.List.of(), 2.0);
                }
                byte[] buf = new byte[16];
                NativeSocket.Received r = rx.recvFrom(buf, 0, buf.length, 0);
                assertEquals("ping", new String(buf, 0, r.count, "UTF-8"));
                assertNotNull("sender address in mode " + mode, r.address);
                assertEquals("mode " + mode, tx.getSockName(), r.address);
                assertEquals(host, r.address.host());
                assertTrue(r.address.port() > 0);
            }
        }
    }

    @Test
    public void recvfromReportsTheSenderOverIpv4InEveryMode() throws Exception {
        check(AF_INET, "127.0.0.1");
    }

    @Test
    public void recvfromReportsTheSenderOverIpv6InEveryMode() throws Exception {
        check(AF_INET6, "::1");
    }

    @Test
    public void recvfromOnAConnectedStreamHasNoAddress() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        try {
            p[0].sendAll(new byte[] {1});
            NativeSocket.Received r = p[1].recvFrom(new byte[4], 0, 4, 0);
            assertEquals(1, r.count);
            assertNull(r.address);
        } finally {
            p[0].close();
            p[1].close();
        }
    }
}
