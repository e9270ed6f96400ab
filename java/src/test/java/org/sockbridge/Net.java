package org.sockbridge;

import static org.sockbridge.SocketConstants.*;

/** Small helpers shared by the tests: loopback sockets and errno assertions. */
final class Net {
    private Net() {}

    private static final java.util.concurrent.ExecutorService POOL =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            });

    /** Runs {@code c} on another thread; {@code get()} rethrows its failure. */
    static <T> java.util.concurrent.Future<T> async(java.util.concurrent.Callable<T> c) {
        return POOL.submit(c);
    }

    interface Action {
        void run() throws Exception;
    }

    /** Runs {@code a} and returns the {@link SocketError} it must throw. */
    static SocketError expectError(Action a) throws Exception {
        try {
            a.run();
        } catch (SocketError e) {
            return e;
        }
        throw new AssertionError("expected a SocketError");
    }

    static NativeSocket udp4() throws SocketError {
        NativeSocket s = NativeSocket.create(AF_INET, SOCK_DGRAM);
        s.bind(SockAddr.inet("127.0.0.1", 0));
        return s;
    }

    static NativeSocket listener4() throws SocketError {
        NativeSocket s = NativeSocket.create(AF_INET, SOCK_STREAM);
        s.setSockOpt(SOL_SOCKET, SO_REUSEADDR, 1);
        s.bind(SockAddr.inet("127.0.0.1", 0));
        s.listen(16);
        return s;
    }

    /** A connected TCP pair on loopback: {client, server-side}. */
    static NativeSocket[] tcpPair() throws SocketError {
        try (NativeSocket l = listener4()) {
            NativeSocket c = NativeSocket.create(AF_INET, SOCK_STREAM);
            c.connect(l.getSockName());
            return new NativeSocket[] {c, l.accept().socket};
        }
    }
}
