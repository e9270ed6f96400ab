package org.sockbridge.reliability;

import static org.sockbridge.SocketConstants.*;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.sockbridge.NativeSocket;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketError;

/**
 * The {@code java.nio.ByteBuffer} part of {@link ApiFuzzTest}: generators for buffers, buffer
 * arrays and the ints that go with them, and the facade calls ({@code recv/send/recvFrom/sendTo
 * (ByteBuffer)}, {@code recv/send(ByteBuffer[])}, {@code recvScatter/sendGather}).
 *
 * <p>A call on a buffer no other thread touches is also checked for its contract: the count is
 * in range and the position moved by exactly what was transferred (an {@link AssertionError}
 * otherwise, which the fuzzer reports as a failure). Calls on the {@link #shared} buffers race
 * {@link #mutate} in other threads, which moves their position and limit; there only the
 * exception classes are checked.
 */
final class BufferFuzz {
    /**
     * What the ByteBuffer overloads may throw (NativeSocket's javadoc): a socket error (and
     * SocketTimeout), null arguments, bad regions/values, arrays outside bounds, a read-only
     * buffer for a receive. BufferOverflow/UnderflowException are not documented: failures.
     */
    static final List<Class<? extends Throwable>> ALLOWED = Arrays.asList(
            SocketError.class,
            NullPointerException.class,
            IllegalArgumentException.class,
            IndexOutOfBoundsException.class,
            ReadOnlyBufferException.class);

    /** Buffers several threads use at once while {@link #mutate} moves their position and limit. */
    final AtomicReferenceArray<ByteBuffer> shared = new AtomicReferenceArray<>(10);

    BufferFuzz() {
        for (int i = 0; i < shared.length(); i++) {
            shared.set(i, fresh(i));
        }
    }

    private static ByteBuffer fresh(int i) {
        switch (i % 5) {
            case 0:
                return ByteBuffer.allocateDirect(4096);
            case 1:
                return ByteBuffer.allocate(4096);
            case 2: // read-only heap: send copies its remaining bytes
                return ByteBuffer.allocate(4096).asReadOnlyBuffer();
            case 3:
                return ByteBuffer.allocateDirect(4096).asReadOnlyBuffer();
            default:
                return ByteBuffer.allocateDirect(8192).slice(100, 4000);
        }
    }

    static boolean allowed(Throwable e) {
        for (Class<? extends Throwable> c : ALLOWED) {
            if (c.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    // ---- generators ---------------------------------------------------------------------

    /** One buffer: null, heap, direct of capacity 0/1/4096, read-only, sliced, moved position/limit. */
    static ByteBuffer buffer(Random r) {
        ByteBuffer b;
        switch (r.nextInt(14)) {
            case 0:
                return null;
            case 1:
                b = ByteBuffer.allocate(r.nextInt(4097));
                break;
            case 2:
                b = ByteBuffer.wrap(new byte[5000], 1 + r.nextInt(100), 1 + r.nextInt(4000)).slice(); // arrayOffset > 0
                break;
            case 3:
                b = ByteBuffer.allocateDirect(0);
                break;
            case 4:
                b = ByteBuffer.allocateDirect(1);
                break;
            case 5:
                b = ByteBuffer.allocateDirect(4096).asReadOnlyBuffer();
                break;
            case 6:
                b = ByteBuffer.allocate(1 + r.nextInt(4096)).asReadOnlyBuffer();
                break;
            case 7: {
                ByteBuffer whole = ByteBuffer.allocateDirect(4096);
                int from = r.nextInt(4097);
                b = whole.slice(from, r.nextInt(4097 - from));
                break;
            }
            case 8:
                b = ByteBuffer.allocateDirect(4096).slice(4096, 0); // empty slice at the very end
                break;
            default:
                b = ByteBuffer.allocateDirect(4096);
        }
        int cap = b.capacity();
        switch (r.nextInt(4)) {
            case 0: // limit < capacity
                b.limit(r.nextInt(cap + 1));
                break;
            case 1: // non-zero position
                b.position(r.nextInt(cap + 1));
                break;
            case 2: {
                int lim = r.nextInt(cap + 1);
                b.limit(lim).position(r.nextInt(lim + 1));
                break;
            }
            default:
        }
        if (!b.isReadOnly() && r.nextBoolean()) {
            for (int i = b.position(); i < b.limit(); i += 97) {
                b.put(i, (byte) r.nextInt());
            }
        }
        return b;
    }

    /** A buffer array: null, empty, null element, heap element, 1025 long, 1024 one-byte buffers, ... */
    ByteBuffer[] buffers(Random r) {
        switch (r.nextInt(10)) {
            case 0:
                return null;
            case 1:
                return new ByteBuffer[0];
            case 2: { // one null element among direct ones
                ByteBuffer[] a = directs(r, 1 + r.nextInt(6));
                a[r.nextInt(a.length)] = null;
                return a;
            }
            case 3: { // one heap element
                ByteBuffer[] a = directs(r, 1 + r.nextInt(6));
                a[r.nextInt(a.length)] = ByteBuffer.allocate(16);
                return a;
            }
            case 4: { // one more than MAX_BUFFERS
                ByteBuffer[] a = r.nextBoolean() ? new ByteBuffer[NativeSocket.MAX_BUFFERS + 1]
                        : oneByteEach(NativeSocket.MAX_BUFFERS + 1, r);
                return a;
            }
            case 5: // exactly MAX_BUFFERS one-byte buffers
                return oneByteEach(NativeSocket.MAX_BUFFERS, r);
            case 6: { // with a shared element (moved by other threads)
                ByteBuffer[] a = directs(r, 1 + r.nextInt(4));
                a[r.nextInt(a.length)] = shared.get(r.nextInt(shared.length()));
                return a;
            }
            default: {
                ByteBuffer[] a = directs(r, 1 + r.nextInt(8));
                if (r.nextInt(4) == 0) {
                    a[r.nextInt(a.length)] = ByteBuffer.allocateDirect(64).asReadOnlyBuffer();
                }
                return a;
            }
        }
    }

    private static ByteBuffer[] directs(Random r, int n) {
        ByteBuffer[] a = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            ByteBuffer b;
            do {
                b = buffer(r);
            } while (b == null || !b.isDirect() || b.isReadOnly());
            a[i] = b;
        }
        return a;
    }

    /** {@code n} one-byte direct buffers: separate ones, or slices of one block. */
    private static ByteBuffer[] oneByteEach(int n, Random r) {
        ByteBuffer[] a = new ByteBuffer[n];
        ByteBuffer block = r.nextBoolean() ? ByteBuffer.allocateDirect(n) : null;
        for (int i = 0; i < n; i++) {
            a[i] = block != null ? block.slice(i, 1) : ByteBuffer.allocateDirect(1);
        }
        return a;
    }

    /** An int near a bound of {@code size}: negative, just past it, Integer.MAX_VALUE/MIN_VALUE, or inside. */
    static int around(Random r, int size) {
        switch (r.nextInt(8)) {
            case 0:
                return -1;
            case 1:
                return Integer.MIN_VALUE;
            case 2:
                return Integer.MAX_VALUE;
            case 3:
                return size + 1;
            case 4:
                return size;
            case 5:
                return -1 - r.nextInt(5000);
            default:
                return size <= 0 ? 0 : r.nextInt(size + 1);
        }
    }

    // ---- the shared buffers -------------------------------------------------------------

    /** Moves a shared buffer's position and limit (or replaces it), as a careless second thread would. */
    void mutate(Random r) {
        ByteBuffer b = shared.get(r.nextInt(shared.length()));
        for (int i = 0; i < 50; i++) {
            int cap = b.capacity();
            try {
                switch (r.nextInt(7)) {
                    case 0:
                        b.clear();
                        break;
                    case 6: // position near the end, then a limit below it (which pulls the position back)
                        b.limit(cap).position(Math.max(0, cap - r.nextInt(100)));
                        b.limit(r.nextInt(Math.min(cap, 20) + 1));
                        break;
                    case 1:
                        b.limit(r.nextInt(cap + 1));
                        break;
                    case 2:
                        b.position(r.nextInt(cap + 1));
                        break;
                    case 3:
                        b.flip();
                        break;
                    case 4:
                        b.limit(cap).position(0);
                        break;
                    default:
                        b.limit(0);
                }
            } catch (IllegalArgumentException raced) {
                // the buffer moved under us too (position past a limit another thread just lowered)
            }
        }
        if (r.nextInt(200) == 0) {
            int i = r.nextInt(shared.length());
            shared.set(i, fresh(i));
        }
    }

    /**
     * A thread that keeps moving the shared buffers' position and limit until {@code stop()}
     * says so: the worker threads' calls on them race it for the whole run.
     */
    Thread mutator(long seed, java.util.function.BooleanSupplier stop) {
        Thread t = new Thread(() -> {
            Random r = new Random(seed * 31 + 77);
            while (!stop.getAsBoolean()) {
                mutate(r);
                Thread.yield();
            }
        }, "fuzz-buffer-mutator");
        t.setDaemon(true);
        t.start();
        return t;
    }

    // ---- facade calls -------------------------------------------------------------------

    /**
     * One facade call named {@code op} on {@code s} (live, closed, or being closed by another
     * thread). With {@code useShared}, the buffer is one of {@link #shared}.
     */
    void call(String op, Random r, NativeSocket s, SockAddr to, boolean useShared) throws Exception {
        ByteBuffer b = useShared ? shared.get(r.nextInt(shared.length())) : buffer(r);
        int flags = flags(r);
        switch (op) {
            case "bbRecv": {
                Before w = Before.of(b, useShared);
                int n = r.nextBoolean() ? s.recv(b) : s.recv(b, flags);
                Before.checkRecv(w, b, n);
                break;
            }
            case "bbSend": {
                Before w = Before.of(b, useShared);
                int n = r.nextBoolean() ? s.send(b) : s.send(b, flags);
                Before.checkSend(w, b, n);
                break;
            }
            case "bbRecvFrom": {
                Before w = Before.of(b, useShared);
                NativeSocket.Received got = s.recvFrom(b, flags);
                Before.checkRecv(w, b, got.count);
                if (got.address != null) {
                    got.address.toString();
                }
                break;
            }
            case "bbSendTo": {
                Before w = Before.of(b, useShared);
                int n = s.sendTo(b, flags, to);
                Before.checkSend(w, b, n);
                break;
            }
            case "bbRecvArr":
            case "bbSendArr":
            case "bbScatter":
            case "bbGather": {
                ByteBuffer[] a = buffers(r);
                int off = 0;
                int len = a == null ? 0 : a.length;
                if (op.equals("bbScatter") || op.equals("bbGather")) {
                    if (r.nextInt(3) == 0) {
                        off = around(r, len);
                        len = around(r, len - Math.max(0, off));
                    } else if (len > 0) {
                        off = r.nextInt(len);
                        len = r.nextInt(len - off + 1);
                    }
                }
                long[] before = remaining(a, off, len);
                long n;
                boolean read = op.equals("bbRecvArr") || op.equals("bbScatter");
                if (op.equals("bbRecvArr")) {
                    n = s.recv(a);
                } else if (op.equals("bbSendArr")) {
                    n = s.send(a);
                } else if (read) {
                    n = s.recvScatter(a, off, len, flags);
                } else {
                    n = s.sendGather(a, off, len, flags);
                }
                checkVector(a, off, len, before, n, read, op.startsWith("bbRecvArr") || op.startsWith("bbSendArr") ? 0 : flags);
                break;
            }
            default:
                throw new AssertionError(op);
        }
    }

    /**
     * A connected AF_UNIX pair (stream or seqpacket): bytes sent from a buffer of each kind, or
     * gathered from direct buffers, arrive intact in a buffer or scattered over direct buffers.
     * Returns the pair, for the pool (where other threads then use and close it).
     */
    static NativeSocket[] roundTrip(Random r) throws Exception {
        boolean stream = r.nextBoolean();
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, stream ? SOCK_STREAM : SOCK_SEQPACKET, 0);
        try {
            p[0].setTimeout(5.0);
            p[1].setTimeout(5.0);
            byte[] data = new byte[1 + r.nextInt(3000)];
            r.nextBytes(data);
            long sent;
            if (r.nextBoolean()) {
                ByteBuffer src = holding(r, data, r.nextInt(4));
                sent = p[0].send(src);
                if (src.hasRemaining()) {
                    throw new AssertionError("send(ByteBuffer) left " + src.remaining() + " of " + data.length);
                }
            } else {
                ByteBuffer[] src = split(r, data.length);
                int at = 0;
                for (ByteBuffer b : src) {
                    b.put(b.position(), data, at, b.remaining());
                    at += b.remaining();
                }
                sent = p[0].send(src);
            }
            if (sent != data.length) {
                throw new AssertionError("sent " + sent + " of " + data.length);
            }
            byte[] got = new byte[data.length];
            int have = 0;
            while (have < data.length) {
                int n;
                if (r.nextBoolean()) {
                    ByteBuffer dst = holding(r, new byte[4096], r.nextInt(2) * 2); // writable heap or direct
                    dst.clear().position(r.nextInt(8));
                    int start = dst.position();
                    n = p[1].recv(dst);
                    dst.get(start, got, have, Math.min(n, data.length - have));
                } else {
                    ByteBuffer[] dst = split(r, 4096);
                    int[] starts = new int[dst.length];
                    for (int i = 0; i < dst.length; i++) {
                        starts[i] = dst[i].position();
                    }
                    n = (int) p[1].recv(dst);
                    int at = have;
                    for (int i = 0; i < dst.length; i++) {
                        int k = dst[i].position() - starts[i];
                        dst[i].get(starts[i], got, at, Math.min(k, data.length - at));
                        at += k;
                    }
                    if (at - have != n) {
                        throw new AssertionError("recv(ByteBuffer[]) returned " + n + " but positions moved " + (at - have));
                    }
                }
                if (n <= 0 || (!stream && n != data.length)) {
                    throw new AssertionError("recv returned " + n + " with " + (data.length - have) + " bytes to come");
                }
                have += n;
            }
            if (!Arrays.equals(data, got)) {
                throw new AssertionError("bytes differ after a ByteBuffer round trip of " + data.length);
            }
            return p;
        } catch (Exception | Error e) {
            p[0].close();
            p[1].close();
            throw e;
        }
    }

    /** {@code data} in [position, limit) of a heap (0), direct (2), read-only heap (1) or read-only direct (3) buffer. */
    private static ByteBuffer holding(Random r, byte[] data, int kind) {
        int pad = r.nextInt(16);
        ByteBuffer b = kind < 2 ? ByteBuffer.allocate(pad + data.length + pad) : ByteBuffer.allocateDirect(pad + data.length + pad);
        b.position(pad);
        b.put(data);
        b.limit(pad + data.length).position(pad);
        return kind == 1 || kind == 3 ? b.asReadOnlyBuffer() : b;
    }

    /** Direct buffers whose remaining bytes add up to {@code total} (some empty), up to 8 of them. */
    private static ByteBuffer[] split(Random r, int total) {
        int k = 1 + r.nextInt(8);
        ByteBuffer[] out = new ByteBuffer[k];
        int left = total;
        for (int i = 0; i < k; i++) {
            int size = i == k - 1 ? left : r.nextInt(left + 1);
            left -= size;
            int pad = r.nextInt(4);
            ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocateDirect(pad + size + 3)
                    : ByteBuffer.allocateDirect(pad + size + 3 + 50).slice(50, pad + size + 3);
            b.limit(pad + size).position(pad);
            out[i] = b;
        }
        return out;
    }

    static int flags(Random r) {
        switch (r.nextInt(10)) {
            case 0:
                return ApiFuzzTest.anyInt(r);
            case 1:
                return MSG_PEEK | MSG_DONTWAIT;
            case 2:
                return MSG_DONTWAIT;
            case 3:
                return MSG_TRUNC | MSG_DONTWAIT;
            default:
                return 0;
        }
    }

    /** Remaining bytes of each buffer in the range, or null when no check is possible (shared, bad range). */
    private long[] remaining(ByteBuffer[] a, int off, int len) {
        if (a == null || off < 0 || len < 0 || off > a.length - len) {
            return null;
        }
        long[] out = new long[len];
        for (int i = 0; i < len; i++) {
            ByteBuffer b = a[off + i];
            if (b == null) {
                return null;
            }
            for (int k = 0; k < shared.length(); k++) {
                if (shared.get(k) == b) {
                    return null;
                }
            }
            out[i] = b.position() * (1L << 32) + b.limit();
        }
        return out;
    }

    /** After a successful vectored call: count in range, positions advanced in order by the count. */
    private static void checkVector(ByteBuffer[] a, int off, int len, long[] before, long n, boolean read, int flags) {
        if (before == null) {
            return;
        }
        long total = 0;
        for (long pl : before) {
            total += (int) pl - (pl >>> 32);
        }
        // MSG_TRUNC on a datagram socket: the count may be the datagram's real length (as for
        // recv(ByteBuffer), documented there); the positions move by what fit.
        boolean trunc = read && (flags & MSG_TRUNC) != 0;
        // MSG_OOB on an AF_UNIX stream: the kernel answers 1 (the urgent byte) even with no room.
        boolean oob = read && (flags & MSG_OOB) != 0 && n == 1;
        if (n < 0 || (n > total && !trunc && !oob)) {
            throw new AssertionError((read ? "recvScatter" : "sendGather") + " returned " + n + " for " + total
                    + " bytes of room (flags " + Integer.toHexString(flags) + ")");
        }
        long left = n;
        for (int i = 0; i < len; i++) {
            long pos = before[i] >>> 32;
            long lim = (int) before[i];
            long step = Math.min(lim - pos, left);
            left -= step;
            ByteBuffer b = a[off + i];
            if (b.position() != pos + step || b.limit() != lim) {
                throw new AssertionError("buffer " + (off + i) + " after " + n + " bytes: position " + b.position()
                        + " limit " + b.limit() + ", expected " + (pos + step) + "/" + lim);
            }
        }
    }

    /** A buffer's position and limit before a call, to check how the call moved them. */
    private static final class Before {
        final int pos;
        final int lim;

        private Before(int pos, int lim) {
            this.pos = pos;
            this.lim = lim;
        }

        static Before of(ByteBuffer b, boolean useShared) {
            return b == null || useShared ? null : new Before(b.position(), b.limit());
        }

        static void checkRecv(Before w, ByteBuffer b, int n) {
            if (w == null) {
                return;
            }
            int pos = w.pos;
            int lim = w.lim;
            int room = lim - pos;
            // MSG_TRUNC on a datagram socket may report more than fit; the position moves by what fit.
            if (n < 0 || b.position() != pos + Math.min(n, room) || b.limit() != lim) {
                throw new AssertionError("recv into " + b + " (was position " + pos + " limit " + lim + ") returned " + n);
            }
        }

        static void checkSend(Before w, ByteBuffer b, int n) {
            if (w == null) {
                return;
            }
            int pos = w.pos;
            int lim = w.lim;
            if (n < 0 || n > lim - pos || b.position() != pos + n || b.limit() != lim) {
                throw new AssertionError("send of " + b + " (was position " + pos + " limit " + lim + ") returned " + n);
            }
        }
    }
}
