package org.sockbridge;

import java.io.Closeable;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A real operating-system socket with CPython's semantics: the methods mirror CPython's socket
 * object ({@code recvfrom} is {@link #recvFrom}, {@code settimeout} is {@link #setTimeout}, ...),
 * errors are {@link SocketError} with the OS errno, and the three modes behave as in CPython:
 * blocking, timeout ({@link SocketTimeout} after that long) and non-blocking
 * ({@code setTimeout(0.0)}: {@code EAGAIN}/{@code EINPROGRESS}, never a tiny timeout).
 *
 * <p>Each operation is one JNI call. The object is safe to use from several threads; {@link
 * #close()} from one thread wakes another blocked in {@code recv}, {@code accept}, {@code
 * connect} or {@link Poller} on this socket, which then fails with {@code EBADF}. A socket that
 * becomes unreachable without being closed is closed by a {@link Cleaner}; every method that hands
 * the handle to native code ends with {@link Reference#reachabilityFence}, so the socket cannot
 * become unreachable (and be closed by the Cleaner) while its own native call runs.
 */
public final class NativeSocket implements Closeable, Selectable {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Mode wire form: negative = blocking, 0 = non-blocking, positive = timeout in ns. */
    private static final long BLOCKING = -1;
    private static volatile long defaultMode = BLOCKING;

    static {
        NativeLibrary.load();
    }

    private final long handle;
    private final int family;
    private final int type;
    private final int proto;
    private final Cleaner.Cleanable cleanable;
    private volatile long mode;

    private NativeSocket(long handle, long mode) throws SocketError {
        this.handle = handle;
        int[] info = new int[3];
        int r = nInfo(handle, info);
        if (r < 0) {
            nClose(handle); // not yet owned by a Cleaner: never leak it
            Errors.check(r);
        }
        this.family = info[0];
        this.type = info[1];
        this.proto = info[2];
        this.mode = mode;
        this.cleanable = CLEANER.register(this, new Closer(handle));
    }

    /** Closes a handle; holds no reference to the socket object. */
    private static final class Closer implements Runnable {
        private final long handle;

        Closer(long handle) {
            this.handle = handle;
        }

        @Override
        public void run() {
            nClose(handle);
        }
    }

    // ---- creation -------------------------------------------------------------------------

    /** {@code socket(family, type, proto)} in the default timeout mode. */
    public static NativeSocket create(int family, int type, int proto) throws SocketError {
        long m = defaultMode;
        long h = Errors.check(nCreate(family, type, proto, m));
        return new NativeSocket(h, (type & SocketConstants.SOCK_NONBLOCK) != 0 ? 0 : m);
    }

    /** {@code socket(family, type)}. */
    public static NativeSocket create(int family, int type) throws SocketError {
        return create(family, type, 0);
    }

    /** {@code socketpair(family, type, proto)}: two connected sockets. */
    public static NativeSocket[] pair(int family, int type, int proto) throws SocketError {
        long m = defaultMode;
        byte[] out = new byte[16];
        Errors.check(nPair(family, type, proto, m, out));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out);
        return new NativeSocket[] {new NativeSocket(b.getLong(), m), new NativeSocket(b.getLong(), m)};
    }

    /**
     * {@code fromfd(fd, family, type, proto)}: a socket on a duplicate of {@code fd} (the caller
     * keeps {@code fd}). {@code ENOTSOCK} if it is not a socket, {@code EBADF} if not open.
     */
    public static NativeSocket fromFd(int fd, int family, int type, int proto) throws SocketError {
        long m = defaultMode;
        return new NativeSocket(Errors.check(nFromFd(fd, family, type, proto, m)), m);
    }

    /** {@code dup()}: a new socket object on a duplicate fd, in the same mode. */
    public NativeSocket dup() throws SocketError {
        try {
            return new NativeSocket(Errors.check(nDup(handle)), mode);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code setdefaulttimeout}: the mode new sockets start in ({@code null} = blocking). */
    public static void setDefaultTimeout(Double seconds) {
        defaultMode = toMode(seconds);
    }

    /** {@code getdefaulttimeout}: {@code null} for blocking. */
    public static Double getDefaultTimeout() {
        return fromMode(defaultMode);
    }

    // ---- identity and lifecycle -----------------------------------------------------------

    /** The real fd ({@code fileno()}); {@code EBADF} once closed. */
    @Override
    public int fileno() throws SocketError {
        try {
            return Errors.check(nFileno(handle));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** The address family. */
    public int family() {
        return family;
    }

    /** The socket type (without {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC}). */
    public int type() {
        return type;
    }

    /** The protocol number. */
    public int proto() {
        return proto;
    }

    long handle() {
        return handle;
    }

    /** Closes the socket; closing again does nothing, as in CPython. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** {@code detach()}: closes this object without closing the fd, and returns the fd. */
    public int detach() throws SocketError {
        try {
            int fd = Errors.check(nDetach(handle));
            cleanable.clean();
            return fd;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    // ---- modes ----------------------------------------------------------------------------

    /** {@code settimeout}: {@code null} = blocking, 0 = non-blocking, else seconds (> 0). */
    public void setTimeout(Double seconds) throws SocketError {
        try {
            long m = toMode(seconds);
            Errors.check(nSetMode(handle, m));
            mode = m;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code gettimeout}: {@code null} when blocking, 0.0 when non-blocking. */
    public Double getTimeout() {
        return fromMode(mode);
    }

    /** {@code setblocking(flag)}: same as {@code settimeout(None)} or {@code settimeout(0.0)}. */
    public void setBlocking(boolean blocking) throws SocketError {
        setTimeout(blocking ? null : 0.0);
    }

    static long toMode(Double seconds) {
        if (seconds == null) {
            return BLOCKING;
        }
        double s = seconds;
        if (Double.isNaN(s)) {
            throw new IllegalArgumentException("Invalid value NaN (not a number)");
        }
        if (s < 0) {
            throw new IllegalArgumentException("Timeout value out of range");
        }
        if (s == 0) {
            return 0;
        }
        double ns = Math.ceil(s * 1e9);
        if (ns >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("timeout doesn't fit into C timeval");
        }
        return Math.max(1, (long) ns);
    }

    static Double fromMode(long m) {
        return m < 0 ? null : m / 1e9;
    }

    // ---- connection set-up ----------------------------------------------------------------

    /** {@code bind(address)}. */
    public void bind(SockAddr address) throws SocketError {
        try {
            byte[] a = address.encoded();
            Errors.check(nBind(handle, a, a.length));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code listen(backlog)}; a negative backlog counts as 0. */
    public void listen(int backlog) throws SocketError {
        try {
            Errors.check(nListen(handle, backlog));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** A connection returned by {@link #accept()}. */
    public static final class Accepted {
        /** The new socket (in the default timeout mode, as in CPython 2.7). */
        public final NativeSocket socket;
        /** The peer's address. */
        public final SockAddr address;

        Accepted(NativeSocket socket, SockAddr address) {
            this.socket = socket;
            this.address = address;
        }
    }

    /** {@code accept()}: waits per this socket's mode; {@code EAGAIN} when non-blocking. */
    public Accepted accept() throws SocketError {
        try {
            byte[] out = new byte[SockAddr.OUT_BUFFER];
            long m = defaultMode;
            long h = Errors.check(nAccept(handle, m, out));
            return new Accepted(new NativeSocket(h, m), SockAddr.fromOut(out));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code connect(address)}: {@code EINPROGRESS} when non-blocking. */
    public void connect(SockAddr address) throws SocketError {
        try {
            byte[] a = address.encoded();
            Errors.check(nConnect(handle, a, a.length));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code connect_ex(address)}: the errno instead of an exception (0 on success). */
    public int connectEx(SockAddr address) throws SocketError {
        try {
            byte[] a = address.encoded();
            return Errors.check(nConnectEx(handle, a, a.length));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code shutdown(how)} with {@code SHUT_RD}, {@code SHUT_WR} or {@code SHUT_RDWR}. */
    public void shutdown(int how) throws SocketError {
        try {
            Errors.check(nShutdown(handle, how));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code getsockname()}. */
    public SockAddr getSockName() throws SocketError {
        return name(false);
    }

    /** {@code getpeername()}; {@code ENOTCONN} when not connected. */
    public SockAddr getPeerName() throws SocketError {
        return name(true);
    }

    private SockAddr name(boolean peer) throws SocketError {
        try {
            byte[] out = new byte[SockAddr.OUT_BUFFER];
            Errors.check(nName(handle, peer, out));
            SockAddr a = SockAddr.fromOut(out);
            return a != null ? a : SockAddr.unix(new byte[0]);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    // ---- data -----------------------------------------------------------------------------

    private static void checkRegion(byte[] buf, int off, int len) {
        Objects.requireNonNull(buf, "buffer");
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException(
                    "offset " + off + ", length " + len + " out of bounds for buffer of " + buf.length);
        }
    }

    /** {@code send(data[off:off+len], flags)}: bytes sent. */
    public int send(byte[] buf, int off, int len, int flags) throws SocketError {
        try {
            checkRegion(buf, off, len);
            return Errors.check(nSend(handle, buf, off, len, flags));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code send(data)}. */
    public int send(byte[] buf) throws SocketError {
        return send(buf, 0, buf.length, 0);
    }

    /** {@code sendall(data[off:off+len], flags)}. */
    public void sendAll(byte[] buf, int off, int len, int flags) throws SocketError {
        try {
            checkRegion(buf, off, len);
            Errors.check(nSendAll(handle, buf, off, len, flags));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code sendall(data)}. */
    public void sendAll(byte[] buf) throws SocketError {
        sendAll(buf, 0, buf.length, 0);
    }

    /** {@code sendto(data[off:off+len], flags, address)}: bytes sent. */
    public int sendTo(byte[] buf, int off, int len, int flags, SockAddr address) throws SocketError {
        try {
            checkRegion(buf, off, len);
            byte[] a = address.encoded();
            return Errors.check(nSendTo(handle, buf, off, len, flags, a, a.length));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code sendto(data, address)}. */
    public int sendTo(byte[] buf, SockAddr address) throws SocketError {
        return sendTo(buf, 0, buf.length, 0, address);
    }

    /** {@code recv_into(buf[off:off+len], flags)}: bytes received, 0 at end of stream. */
    public int recv(byte[] buf, int off, int len, int flags) throws SocketError {
        try {
            checkRegion(buf, off, len);
            return Errors.check(nRecv(handle, buf, off, len, flags));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code recv(bufsize, flags)}: a new array of the bytes received. */
    public byte[] recv(int bufsize, int flags) throws SocketError {
        if (bufsize < 0) {
            throw new IllegalArgumentException("negative buffersize in recv");
        }
        byte[] buf = new byte[bufsize];
        int n = recv(buf, 0, bufsize, flags);
        return n == bufsize ? buf : Arrays.copyOf(buf, n);
    }

    /** What {@link #recvFrom} received: a count and the sender. */
    public static final class Received {
        /** Bytes received. */
        public final int count;
        /** The sender, or {@code null} when the kernel gives none (connected stream). */
        public final SockAddr address;

        Received(int count, SockAddr address) {
            this.count = count;
            this.address = address;
        }
    }

    /** {@code recvfrom_into(buf[off:off+len], flags)}: the sender's address in every mode. */
    public Received recvFrom(byte[] buf, int off, int len, int flags) throws SocketError {
        try {
            checkRegion(buf, off, len);
            byte[] out = new byte[SockAddr.OUT_BUFFER];
            int n = Errors.check(nRecvFrom(handle, buf, off, len, flags, out));
            return new Received(n, SockAddr.fromOut(out));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** What {@link #recvMsg} received. */
    public static final class Message {
        /** The data. */
        public final byte[] data;
        /** The control messages. */
        public final List<Ancillary> ancillary;
        /** {@code msg_flags}. */
        public final int flags;
        /** The sender, or {@code null}. */
        public final SockAddr address;

        Message(byte[] data, List<Ancillary> ancillary, int flags, SockAddr address) {
            this.data = data;
            this.ancillary = Collections.unmodifiableList(ancillary);
            this.flags = flags;
            this.address = address;
        }
    }

    /**
     * {@code sendmsg([data], ancillary, flags, address)}; {@code address} may be null. The data is
     * lent to the system call, not copied; the control messages may take at most 1 MiB
     * ({@link IllegalArgumentException} beyond).
     */
    public int sendMsg(byte[] data, List<Ancillary> ancillary, int flags, SockAddr address) throws SocketError {
        try {
            Objects.requireNonNull(data, "data");
            byte[] anc = Ancillary.encode(ancillary);
            byte[] a = address == null ? null : address.encoded();
            return Errors.check(nSendMsg(handle, data, anc, flags, a, a == null ? 0 : a.length));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code recvmsg(bufsize, ancbufsize, flags)}; {@code ancbufsize} at most 1 MiB. */
    public Message recvMsg(int bufsize, int ancbufsize, int flags) throws SocketError {
        try {
            if (bufsize < 0 || ancbufsize < 0) {
                throw new IllegalArgumentException("negative buffer size in recvmsg()");
            }
            byte[] data = new byte[bufsize];
            byte[] anc = new byte[ancbufsize];
            int[] meta = new int[2];
            byte[] out = new byte[SockAddr.OUT_BUFFER];
            int n = Errors.check(nRecvMsg(handle, data, ancbufsize, flags, anc, meta, out));
            // With MSG_TRUNC the kernel reports a datagram's real length, which may exceed the
            // buffer; the data is what fit (CPython 3's recvmsg), MSG_TRUNC shows in the flags.
            return new Message(Arrays.copyOf(data, Math.min(n, bufsize)), Ancillary.decode(anc, meta[0]), meta[1],
                    SockAddr.fromOut(out));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    // ---- java.nio.ByteBuffer ---------------------------------------------------------------
    //
    // Channel semantics: a read fills [position, limit) and a write takes [position, limit);
    // both advance the position by the count. A direct buffer goes to the kernel by address (no
    // copy; natives in DirectBuffers); a heap buffer works through its backing array (also no
    // copy). End of stream is 0, as CPython's recv_into returns (not NIO's -1).

    /** Most buffers one scatter/gather call takes ({@code IOV_MAX} on Linux). */
    public static final int MAX_BUFFERS = 1024;

    /**
     * {@code recv_into(dst, flags)}: receives into {@code dst}'s remaining bytes and advances its
     * position by the count; 0 at end of stream. With {@code MSG_TRUNC} on a datagram socket
     * the count may be the datagram's real length, larger than what fit; the position then
     * advances only by what fit.
     *
     * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
     */
    public int recv(ByteBuffer dst, int flags) throws SocketError {
        Objects.requireNonNull(dst, "buffer");
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position();
        int len = dst.limit() - pos;
        int n;
        try {
            if (dst.isDirect()) {
                n = Errors.check(DirectBuffers.nRecvDirect(handle, dst, pos, len, flags));
            } else {
                n = Errors.check(nRecv(handle, dst.array(), dst.arrayOffset() + pos, len, flags));
            }
        } finally {
            Reference.reachabilityFence(this);
            Reference.reachabilityFence(dst);
        }
        dst.position(pos + Math.min(n, len));
        return n;
    }

    /** {@code recv(dst, 0)}. */
    public int recv(ByteBuffer dst) throws SocketError {
        return recv(dst, 0);
    }

    /**
     * {@code send(src, flags)}: sends {@code src}'s remaining bytes and advances its position by
     * the count sent (all of them on a blocking stream socket, possibly fewer otherwise). A
     * read-only heap buffer has no accessible array: its bytes are copied once into a
     * temporary array.
     */
    public int send(ByteBuffer src, int flags) throws SocketError {
        Objects.requireNonNull(src, "buffer");
        int pos = src.position();
        int len = src.limit() - pos;
        int n;
        try {
            if (src.isDirect()) {
                n = Errors.check(DirectBuffers.nSendDirect(handle, src, pos, len, flags));
            } else if (src.hasArray()) {
                n = Errors.check(nSend(handle, src.array(), src.arrayOffset() + pos, len, flags));
            } else {
                byte[] copy = readOnlyBytes(src, pos, len);
                n = Errors.check(nSend(handle, copy, 0, copy.length, flags));
            }
        } finally {
            Reference.reachabilityFence(this);
            Reference.reachabilityFence(src);
        }
        src.position(pos + n);
        return n;
    }

    /** {@code send(src, 0)}. */
    public int send(ByteBuffer src) throws SocketError {
        return send(src, 0);
    }

    /**
     * {@code recvfrom_into(dst, flags)}: as {@link #recv(ByteBuffer, int)}, with the sender.
     *
     * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
     */
    public Received recvFrom(ByteBuffer dst, int flags) throws SocketError {
        Objects.requireNonNull(dst, "buffer");
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position();
        int len = dst.limit() - pos;
        byte[] out = new byte[SockAddr.OUT_BUFFER];
        int n;
        try {
            if (dst.isDirect()) {
                n = Errors.check(DirectBuffers.nRecvFromDirect(handle, dst, pos, len, flags, out));
            } else {
                n = Errors.check(nRecvFrom(handle, dst.array(), dst.arrayOffset() + pos, len, flags, out));
            }
        } finally {
            Reference.reachabilityFence(this);
            Reference.reachabilityFence(dst);
        }
        dst.position(pos + Math.min(n, len));
        return new Received(n, SockAddr.fromOut(out));
    }

    /**
     * The bytes {@code [pos, pos + len)} of a read-only heap buffer (which lends no array), copied
     * with absolute reads, so another thread moving the buffer's position or limit meanwhile
     * cannot make the copy underflow: a range outside the buffer is an {@link
     * IllegalArgumentException}, and one past a limit lowered meanwhile an {@link
     * IndexOutOfBoundsException} (both documented argument errors).
     */
    private static byte[] readOnlyBytes(ByteBuffer src, int pos, int len) {
        if (pos < 0 || len < 0 || len > src.capacity() - pos) {
            throw new IllegalArgumentException("position " + pos + " and length " + len
                    + " are outside the buffer (capacity " + src.capacity() + ")");
        }
        byte[] copy = new byte[len];
        src.get(pos, copy);
        return copy;
    }

    /** {@code sendto(src, flags, address)}: as {@link #send(ByteBuffer, int)}, to {@code address}. */
    public int sendTo(ByteBuffer src, int flags, SockAddr address) throws SocketError {
        Objects.requireNonNull(src, "buffer");
        byte[] a = address.encoded();
        int pos = src.position();
        int len = src.limit() - pos;
        int n;
        try {
            if (src.isDirect()) {
                n = Errors.check(DirectBuffers.nSendToDirect(handle, src, pos, len, flags, a, a.length));
            } else if (src.hasArray()) {
                n = Errors.check(nSendTo(handle, src.array(), src.arrayOffset() + pos, len, flags, a, a.length));
            } else {
                byte[] copy = readOnlyBytes(src, pos, len);
                n = Errors.check(nSendTo(handle, copy, 0, copy.length, flags, a, a.length));
            }
        } finally {
            Reference.reachabilityFence(this);
            Reference.reachabilityFence(src);
        }
        src.position(pos + n);
        return n;
    }

    /**
     * Scatter read ({@code recvmsg} with one iovec per buffer): one system call fills
     * {@code dsts[offset..offset+length)} in order, each from its position to its limit, and
     * advances their positions; returns the count, 0 at end of stream. The buffers must be
     * direct ({@link IllegalArgumentException} otherwise), writable, and at most {@link
     * #MAX_BUFFERS}.
     *
     * @throws java.nio.ReadOnlyBufferException if one of the buffers is read-only
     */
    public long recvScatter(ByteBuffer[] dsts, int offset, int length, int flags) throws SocketError {
        checkBuffers(dsts, offset, length, true);
        int n;
        try {
            n = Errors.check(DirectBuffers.nRecvVectored(handle, dsts, offset, length, flags));
        } finally {
            Reference.reachabilityFence(this);
            Reference.reachabilityFence(dsts);
        }
        advance(dsts, offset, length, n);
        return n;
    }

    /** {@code recvScatter(dsts, 0, dsts.length, 0)}. */
    public long recv(ByteBuffer[] dsts) throws SocketError {
        return recvScatter(dsts, 0, Objects.requireNonNull(dsts, "buffers").length, 0);
    }

    /**
     * Gather write ({@code sendmsg} with one iovec per buffer): sends {@code
     * srcs[offset..offset+length)} in order, each from its position to its limit, in one system
     * call (on a blocking stream socket, until all is sent), and advances their positions by
     * what was sent; returns the count. Direct buffers only, at most {@link #MAX_BUFFERS}.
     */
    public long sendGather(ByteBuffer[] srcs, int offset, int length, int flags) throws SocketError {
        checkBuffers(srcs, offset, length, false);
        int n;
        try {
            n = Errors.check(DirectBuffers.nSendVectored(handle, srcs, offset, length, flags));
        } finally {
            Reference.reachabilityFence(this);
            Reference.reachabilityFence(srcs);
        }
        advance(srcs, offset, length, n);
        return n;
    }

    /** {@code sendGather(srcs, 0, srcs.length, 0)}. */
    public long send(ByteBuffer[] srcs) throws SocketError {
        return sendGather(srcs, 0, Objects.requireNonNull(srcs, "buffers").length, 0);
    }

    private static void checkBuffers(ByteBuffer[] bufs, int offset, int length, boolean forRead) {
        Objects.requireNonNull(bufs, "buffers");
        Objects.checkFromIndexSize(offset, length, bufs.length);
        if (length > MAX_BUFFERS) {
            throw new IllegalArgumentException(
                    "at most " + MAX_BUFFERS + " buffers per call (got " + length + ")");
        }
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = Objects.requireNonNull(bufs[i], "buffers[" + i + "]");
            if (forRead && b.isReadOnly()) {
                throw new ReadOnlyBufferException();
            }
            if (!b.isDirect()) {
                throw new IllegalArgumentException(
                        "scatter/gather takes direct buffers only (buffers[" + i + "] is a heap buffer)");
            }
        }
    }

    /** Advances the positions of {@code bufs[offset..offset+length)} by {@code n} bytes in all. */
    private static void advance(ByteBuffer[] bufs, int offset, int length, long n) {
        for (int i = offset; i < offset + length && n > 0; i++) {
            ByteBuffer b = bufs[i];
            int step = (int) Math.min(b.remaining(), n);
            b.position(b.position() + step);
            n -= step;
        }
    }

    // ---- options --------------------------------------------------------------------------

    /** {@code setsockopt(level, name, int)}. */
    public void setSockOpt(int level, int name, int value) throws SocketError {
        try {
            Errors.check(nSetOptInt(handle, level, name, value));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code setsockopt(level, name, bytes)}: a packed struct or string value. */
    public void setSockOpt(int level, int name, byte[] value) throws SocketError {
        try {
            Objects.requireNonNull(value, "value");
            Errors.check(nSetOptBytes(handle, level, name, value));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code getsockopt(level, name)}: the value as a C int. */
    public int getSockOpt(int level, int name) throws SocketError {
        try {
            int[] out = new int[1];
            Errors.check(nGetOptInt(handle, level, name, out));
            return out[0];
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@code getsockopt(level, name, buflen)}: the raw bytes (1 ≤ buflen ≤ 1024). */
    public byte[] getSockOpt(int level, int name, int buflen) throws SocketError {
        try {
            if (buflen <= 0 || buflen > 1024) {
                throw new IllegalArgumentException("getsockopt buflen out of range");
            }
            byte[] out = new byte[buflen];
            int n = Errors.check(nGetOptBytes(handle, level, name, out, buflen));
            return Arrays.copyOf(out, n);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public String toString() {
        String fd;
        try {
            fd = Integer.toString(fileno());
        } catch (SocketError e) {
            fd = "-1";
        }
        return "<NativeSocket fd=" + fd + ", family=" + family + ", type=" + type + ", proto=" + proto + ">";
    }

    // ---- native entry points (src/jni/native_socket.rs) -----------------------------------

    static native long nCreate(int family, int type, int proto, long mode);

    static native int nPair(int family, int type, int proto, long mode, byte[] handlesOut);

    static native long nFromFd(int fd, int family, int type, int proto, long mode);

    static native long nDup(long h);

    static native int nClose(long h);

    static native int nDetach(long h);

    static native int nFileno(long h);

    static native int nInfo(long h, int[] out);

    static native int nSetMode(long h, long mode);

    static native int nBind(long h, byte[] addr, int len);

    static native int nListen(long h, int backlog);

    static native long nAccept(long h, long newMode, byte[] addrOut);

    static native int nConnect(long h, byte[] addr, int len);

    static native int nConnectEx(long h, byte[] addr, int len);

    static native int nSend(long h, byte[] buf, int off, int len, int flags);

    static native int nSendAll(long h, byte[] buf, int off, int len, int flags);

    static native int nSendTo(long h, byte[] buf, int off, int len, int flags, byte[] addr, int addrLen);

    static native int nRecv(long h, byte[] buf, int off, int len, int flags);

    static native int nRecvFrom(long h, byte[] buf, int off, int len, int flags, byte[] addrOut);

    static native int nShutdown(long h, int how);

    static native int nName(long h, boolean peer, byte[] addrOut);

    static native int nSetOptInt(long h, int level, int name, int value);

    static native int nSetOptBytes(long h, int level, int name, byte[] value);

    static native int nGetOptInt(long h, int level, int name, int[] out);

    static native int nGetOptBytes(long h, int level, int name, byte[] out, int buflen);

    static native int nSendMsg(long h, byte[] data, byte[] ancillary, int flags, byte[] addr, int addrLen);

    static native int nRecvMsg(long h, byte[] data, int ancSpace, int flags, byte[] ancOut, int[] meta, byte[] addrOut);
}
