package org.sockbridge.demo;

import org.sockbridge.NativeSocket;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketConstants;
import org.sockbridge.SocketError;

/**
 * Shows the two oldest Jython socket gaps, fixed: UDP {@code recvfrom} in timeout mode reports
 * the real sender, and {@code settimeout(0)} is real non-blocking mode ({@code EAGAIN}).
 */
public final class UdpTimeoutDemo {
    private UdpTimeoutDemo() {}

    /** Runs the demo on loopback and prints what it sees. */
    public static void main(String[] args) throws Exception {
        try (NativeSocket rx = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM);
                NativeSocket tx = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM)) {
            rx.bind(SockAddr.inet("127.0.0.1", 0));
            tx.bind(SockAddr.inet("127.0.0.1", 0));
            rx.setTimeout(2.0);
            tx.sendTo("hello".getBytes("UTF-8"), rx.getSockName());
            byte[] buf = new byte[64];
            NativeSocket.Received got = rx.recvFrom(buf, 0, buf.length, 0);
            System.out.println("timeout mode recvfrom: " + new String(buf, 0, got.count, "UTF-8")
                    + " from " + got.address + " (sender is " + tx.getSockName() + ")");
            rx.setTimeout(0.0);
            try {
                rx.recvFrom(buf, 0, buf.length, 0);
                System.out.println("unexpected: data on an idle socket");
            } catch (SocketError e) {
                System.out.println("settimeout(0) recvfrom: errno " + e.errno() + " " + e.strerror());
            }
        }
    }
}
