package org.sockbridge;

import static org.sockbridge.SocketConstants.*;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Not a test: a quick per-call benchmark of the Java facade, byte[] against ByteBuffer.
 *
 * <pre>
 * java -cp build/classes/java/test:build/libs/sockbridge-0.1.0.jar \
 *     -Dsockbridge.library=target/release/libsockbridge.so org.sockbridge.ByteBufferBench MODE...
 * </pre>
 *
 * Modes: {@code udp-bytes}, {@code udp-direct}, {@code udp-heap} (a 64-byte UDP ping-pong round
 * trip on 127.0.0.1 with an echo thread, as the benchmark's UDP case: µs per round trip), and
 * {@code call-bytes}, {@code call-direct} (one thread, an AF_UNIX datagram socketpair: one send
 * plus one recv of 64 bytes, so two JNI calls and two system calls: ns per pair). Each mode
 * {@code call-fileno} is one JNI call with no system call ({@code fileno()}: the boundary's own
 * cost plus a handle lookup, ns per call). Each mode
 * prints the median and the range of 15 batches after a warm-up. The byte[] modes use only
 * methods that older builds have, so the same class measures an older library too.
 */
public final class ByteBufferBench {
    private ByteBufferBench() {}

    private static final int BATCHES = 15;

    interface Op {
        void run() throws Exception;
    }

    private static void report(String mode, String unit, double scale, int perBatch, Op op) throws Exception {
        for (int i = 0; i < perBatch * 3; i++) {
            op.run(); // warm-up
        }
        double[] per = new double[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < perBatch; i++) {
                op.run();
            }
            per[b] = (System.nanoTime() - t0) / (double) perBatch / scale;
        }
        Arrays.sort(per);
        System.out.printf("%-12s median %.3f %s (min %.3f, max %.3f; %d batches of %d)%n",
                mode, per[BATCHES / 2], unit, per[0], per[BATCHES - 1], BATCHES, perBatch);
    }

    public static void main(String[] args) throws Exception {
        for (String mode : args) {
            switch (mode) {
                case "udp-bytes":
                case "udp-direct":
                case "udp-heap":
                    udp(mode);
                    break;
                case "call-bytes":
                case "call-direct":
                    call(mode);
                    break;
                case "call-fileno":
                    fileno();
                    break;
                default:
                    throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
    }

    private static void udp(String mode) throws Exception {
        try (NativeSocket client = NativeSocket.create(AF_INET, SOCK_DGRAM);
                NativeSocket server = NativeSocket.create(AF_INET, SOCK_DGRAM)) {
            server.bind(SockAddr.inet("127.0.0.1", 0));
            client.bind(SockAddr.inet("127.0.0.1", 0));
            client.connect(server.getSockName());
            server.connect(client.getSockName());
            client.setTimeout(5.0);
            server.setTimeout(5.0);
            Thread echo = new Thread(() -> {
                byte[] b = new byte[2048];
                try {
                    while (true) {
                        int n = server.recv(b, 0, b.length, 0);
                        if (n == 1 && b[0] == 'q') {
                            return;
                        }
                        server.send(b, 0, n, 0);
                    }
                } catch (SocketError e) {
                    // closed
                }
            });
            echo.setDaemon(true);
            echo.start();
            Op op;
            if (mode.equals("udp-bytes")) {
                byte[] out = new byte[64];
                byte[] in = new byte[2048];
                op = () -> {
                    client.send(out, 0, 64, 0);
                    client.recv(in, 0, in.length, 0);
                };
            } else {
                boolean direct = mode.equals("udp-direct");
                ByteBuffer out = direct ? ByteBuffer.allocateDirect(64) : ByteBuffer.allocate(64);
                ByteBuffer in = direct ? ByteBuffer.allocateDirect(2048) : ByteBuffer.allocate(2048);
                op = () -> {
                    out.clear();
                    client.send(out);
                    in.clear();
                    client.recv(in);
                };
            }
            report(mode, "µs/round trip", 1000.0, 20_000, op);
            client.send(new byte[] {'q'});
            echo.join(5000);
        }
    }

    private static void fileno() throws Exception {
        try (NativeSocket s = NativeSocket.create(AF_INET, SOCK_DGRAM)) {
            int[] sink = new int[1];
            report("call-fileno", "ns/call", 1.0, 2_000_000, () -> sink[0] += s.fileno());
            if (sink[0] == 42) {
                System.out.println();
            }
        }
    }

    private static void call(String mode) throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_DGRAM, 0);
        try (NativeSocket a = p[0]; NativeSocket b = p[1]) {
            Op op;
            if (mode.equals("call-bytes")) {
                byte[] out = new byte[64];
                byte[] in = new byte[64];
                op = () -> {
                    a.send(out, 0, 64, 0);
                    b.recv(in, 0, 64, 0);
                };
            } else {
                ByteBuffer out = ByteBuffer.allocateDirect(64);
                ByteBuffer in = ByteBuffer.allocateDirect(64);
                op = () -> {
                    out.clear();
                    a.send(out);
                    in.clear();
                    b.recv(in);
                };
            }
            report(mode, "ns/send+recv", 1.0, 100_000, op);
        }
    }
}
