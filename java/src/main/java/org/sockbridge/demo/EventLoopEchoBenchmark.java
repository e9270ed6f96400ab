package org.sockbridge.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.sockbridge.EventKey;
import org.sockbridge.EventLoop;
import org.sockbridge.NativeSocket;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketConstants;
import org.sockbridge.SocketError;

/**
 * Echo-server benchmark: the same one-thread echo server written on {@link EventLoop} and on
 * {@link java.nio.channels.Selector}, each driven by the same clients (one thread per
 * connection, blocking {@code java.net.Socket}, ping-pong of fixed-size messages on loopback).
 * Prints round trips per second for each, one line each:
 *
 * <pre>
 *   java -cp build/libs/sockbridge-0.1.0.jar org.sockbridge.demo.EventLoopEchoBenchmark [connections] [seconds] [bytes] [rounds]
 * </pre>
 * Defaults: 16 connections, 3 seconds per round, 64-byte messages, 3 rounds (after 1 s of
 * warm-up each; the servers take turns, and each line gives the median round).
 */
public final class EventLoopEchoBenchmark {
    private static final int EAGAIN = 11;

    private EventLoopEchoBenchmark() {}

    /** A running echo server: its port, and how to stop it. */
    interface Server extends java.io.Closeable {
        int port();
    }

    private static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3.0;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String[] kinds = {"sockbridge.EventLoop", "java.nio.Selector"};
        double[][] rates = new double[kinds.length][rounds];
        try (Server a = eventLoopServer(); Server b = nioServer()) {
            Server[] servers = {a, b};
            for (Server s : servers) {
                run(s.port(), connections, 1.0, size); // warm-up
            }
            // Alternating rounds, so a busy machine slows both alike; the median is reported.
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < kinds.length; k++) {
                    rates[k][r] = run(servers[k].port(), connections, seconds, size);
                }
            }
        }
        double[] median = new double[kinds.length];
        for (int k = 0; k < kinds.length; k++) {
            double[] sorted = rates[k].clone();
            Arrays.sort(sorted);
            median[k] = sorted[rounds / 2];
            StringBuilder each = new StringBuilder();
            for (double x : rates[k]) {
                each.append(each.length() == 0 ? "" : " ").append(Math.round(x));
            }
            System.out.printf("echo %-21s %3d connections, %5d-byte messages: %10.0f round trips/s (median of %s)%n",
                    kinds[k], connections, size, median[k], each);
        }
        System.out.printf("echo sockbridge/nio ratio: %.2f%n", median[0] / median[1]);
    }

    /** Drives {@code connections} clients for {@code seconds}; returns round trips per second. */
    static double run(int port, int connections, double seconds, int size) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder trips = new LongAdder();
        CountDownLatch ready = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(10000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    byte[] msg = new byte[size];
                    Arrays.fill(msg, (byte) 'x');
                    byte[] back = new byte[size];
                    ready.countDown();
                    go.await();
                    while (!stop.get()) {
                        out.write(msg);
                        int n = 0;
                        while (n < size) {
                            int r = in.read(back, n, size - n);
                            if (r < 0) {
                                throw new IOException("the server closed the connection");
                            }
                            n += r;
                        }
                        trips.increment();
                    }
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                    ready.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        ready.await();
        long t0 = System.nanoTime();
        go.countDown();
        Thread.sleep((long) (seconds * 1000));
        long count = trips.sum();
        long t1 = System.nanoTime();
        stop.set(true);
        for (Thread t : threads) {
            t.join(15000);
        }
        if (!errors.isEmpty()) {
            throw new IOException("client failed: " + errors.get(0), errors.get(0));
        }
        return count / ((t1 - t0) / 1e9);
    }

    /** The echo server on {@link EventLoop}, on its own thread. */
    static Server eventLoopServer() throws Exception {
        EventLoop loop = new EventLoop();
        NativeSocket listener = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM);
        listener.setSockOpt(SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, 1);
        listener.bind(SockAddr.inet("127.0.0.1", 0));
        listener.listen(1024);
        listener.setTimeout(0.0);
        loop.register(listener, EventLoop.READ, null);
        int port = listener.getSockName().port();
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try {
                while (!loop.isClosed()) {
                    for (EventKey key : loop.select()) {
                        if (key.attachment() == null) {
                            acceptAll(loop, listener);
                        } else {
                            echo(key, buf);
                        }
                    }
                }
            } catch (SocketError | IllegalStateException e) {
                if (!loop.isClosed()) {
                    e.printStackTrace();
                }
            }
        }, "eventloop-echo");
        t.setDaemon(true);
        t.start();
        return new Server() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() {
                loop.close();
                join(t);
                for (EventKey k : loop.keys()) {
                    k.close();
                }
                listener.close();
            }
        };
    }

    private static void acceptAll(EventLoop loop, NativeSocket listener) throws SocketError {
        while (true) {
            NativeSocket.Accepted a;
            try {
                a = listener.accept();
            } catch (SocketError e) {
                if (e.errno() == EAGAIN) {
                    return;
                }
                throw e;
            }
            a.socket.setTimeout(0.0);
            a.socket.setSockOpt(SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, 1);
            loop.register(a.socket, EventLoop.READ, new ByteQueue());
        }
    }

    /** Unsent echo bytes of one connection. */
    static final class ByteQueue {
        byte[] data = new byte[0];
        int start;
        int end;
    }

    private static void echo(EventKey key, byte[] buf) {
        ByteQueue q = (ByteQueue) key.attachment();
        NativeSocket s = key.socket();
        try {
            if (key.isReadable() && q.start == q.end) {
                int n = s.recv(buf, 0, buf.length, 0);
                if (n == 0) {
                    key.close();
                    return;
                }
                int sent;
                try {
                    sent = s.send(buf, 0, n, 0);
                } catch (SocketError e) {
                    if (e.errno() != EAGAIN) {
                        throw e;
                    }
                    sent = 0;
                }
                if (sent < n) {
                    q.data = Arrays.copyOfRange(buf, sent, n);
                    q.start = 0;
                    q.end = q.data.length;
                    key.interest(EventLoop.WRITE);
                }
            } else if (key.isWritable()) {
                q.start += s.send(q.data, q.start, q.end - q.start, 0);
                if (q.start == q.end) {
                    key.interest(EventLoop.READ);
                }
            }
        } catch (SocketError e) {
            if (e.errno() != EAGAIN) {
                key.close();
            }
        }
    }

    /** The same server on NIO. */
    static Server nioServer() throws Exception {
        Selector selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(65536);
            try {
                while (!stop.get()) {
                    selector.select();
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isAcceptable()) {
                            SocketChannel c;
                            while ((c = listener.accept()) != null) {
                                c.configureBlocking(false);
                                c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                                c.register(selector, SelectionKey.OP_READ);
                            }
                        } else {
                            nioEcho(key, buf);
                        }
                    }
                }
            } catch (IOException e) {
                if (!stop.get()) {
                    e.printStackTrace();
                }
            }
        }, "nio-echo");
        t.setDaemon(true);
        t.start();
        return new Server() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() throws IOException {
                stop.set(true);
                selector.wakeup();
                join(t);
                for (SelectionKey k : selector.keys()) {
                    k.channel().close();
                }
                selector.close();
            }
        };
    }

    private static void nioEcho(SelectionKey key, ByteBuffer buf) {
        SocketChannel c = (SocketChannel) key.channel();
        try {
            ByteBuffer pending = (ByteBuffer) key.attachment();
            if (pending == null && key.isReadable()) {
                buf.clear();
                int n = c.read(buf);
                if (n < 0) {
                    c.close();
                    return;
                }
                buf.flip();
                c.write(buf);
                if (buf.hasRemaining()) {
                    ByteBuffer rest = ByteBuffer.allocate(buf.remaining());
                    rest.put(buf).flip();
                    key.attach(rest);
                    key.interestOps(SelectionKey.OP_WRITE);
                }
            } else if (pending != null && key.isWritable()) {
                c.write(pending);
                if (!pending.hasRemaining()) {
                    key.attach(null);
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
        } catch (IOException e) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
