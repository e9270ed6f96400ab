package org.sockbridge.jython;

import org.python.core.BufferProtocol;
import org.python.core.Py;
import org.python.core.PyArray;
import org.python.core.PyBUF;
import org.python.core.PyBuffer;
import org.python.core.PyException;
import org.python.core.PyFloat;
import org.python.core.PyInteger;
import org.python.core.PyLong;
import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.core.PyTuple;
import org.python.core.PyType;
import org.python.core.PyUnicode;
import org.python.expose.ExposedType;
import org.sockbridge.Interrupts;
import org.sockbridge.NativeSocket;
import org.sockbridge.PyStringIo;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketError;

/**
 * The Jython socket object's Java base: a builtin Jython type ({@link PySocketType} exposes it)
 * holding its {@link NativeSocket} in a field and implementing the data methods ({@code send},
 * {@code sendall}, {@code sendto}, {@code recv}, {@code recvfrom}, {@code recv_into}, {@code
 * recvfrom_into}) in Java with CPython 2.7.18's argument parsing and errors, so each of them is
 * one Java call plus one JNI call. The {@code _socket.socket} class subclasses it in Python (its
 * instances are {@link PySocketDerived}) and keeps the rare methods there.
 */
@ExposedType(name = PySocketType.NAME, isBaseType = true, doc = PySocketType.DOC)
public class PySocket extends PyObject implements NativeSocketHolder {
    /** The Python type; initialising this class registers it with Jython. */
    public static final PyType TYPE = PySocketType.register();

    private static final int EBADF = 9;
    private static final int EINTR = Interrupts.EINTR;
    /** Receives and sends up to this size go through a per-thread scratch buffer. */
    private static final int SCRATCH_MAX = 262144;
    private static final ThreadLocal<byte[][]> RECV_SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[65536]});
    private static final ThreadLocal<byte[][]> SEND_SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[65536]});

    /** The socket held; {@code null} once closed or detached. */
    private volatile NativeSocket sock;
    /**
     * The Python view of {@link #sock} ({@code _native}), made when first asked for and kept so
     * reading it again allocates nothing; {@code null} until then.
     */
    private volatile PyObject sockObject;
    /** {@code _family}, {@code _type}, {@code _proto}: the socket's, as CPython reports them. */
    private int family;
    private int type;
    private int proto;
    /** {@code _timeout}: None (blocking) or the float seconds settimeout() was given. */
    private volatile PyObject timeout = Py.None;
    /** {@code _ref}: the holder count shared with dup()s and makefile() files (any object with
     * acquire/release/force_close: ssl puts its own there). */
    private volatile PyObject ref = PySocketRef.NONE;
    /** The last recvfrom sender and its Python address (one object: read and written atomically). */
    private Cached fromCache;
    /** The last sendto destination object and its SockAddr. */
    private Cached toCache;

    /** An immutable pair for the one-entry address caches. */
    private static final class Cached {
        final Object key;
        final Object value;

        Cached(Object key, Object value) {
            this.key = key;
            this.value = value;
        }
    }

    /** A socket object of {@code type} holding no socket yet. */
    public PySocket(PyType type) {
        super(type);
    }

    @Override
    public NativeSocket nativeSocket() {
        return sock;
    }

    /** {@code _native}: the NativeSocket as a Python object, or None. */
    PyObject getNative() {
        NativeSocket s = sock;
        if (s == null) {
            return Py.None;
        }
        PyObject o = sockObject;
        if (o == null) {
            o = Py.java2py(s);
            sockObject = o;
        }
        return o;
    }

    /** Sets {@code _native} (None closes nothing: it only lets go). */
    void setNative(PyObject value) {
        if (value == null || value == Py.None) {
            sock = null;
            sockObject = null;
            return;
        }
        Object j = value.__tojava__(NativeSocket.class);
        if (!(j instanceof NativeSocket)) {
            throw Py.TypeError("_native must be a NativeSocket or None");
        }
        setNative((NativeSocket) j, value);
    }

    private void setNative(NativeSocket s, PyObject view) {
        sockObject = view;
        sock = s;
        fromCache = null;
        toCache = null;
    }

    // ---- the attributes _socket.socket keeps (Java fields: no per-object slot array) ---------

    PyObject getFamily() {
        return Py.newInteger(family);
    }

    PyObject getTypeAttr() {
        return Py.newInteger(type);
    }

    PyObject getProto() {
        return Py.newInteger(proto);
    }

    int family() {
        return family;
    }

    void setInts(int which, PyObject v) {
        int i = cInt(v);
        if (which == 0) {
            family = i;
        } else if (which == 1) {
            type = i;
        } else {
            proto = i;
        }
    }

    PyObject getTimeout() {
        return timeout;
    }

    void setTimeout(PyObject v) {
        timeout = v == null ? Py.None : v;
    }

    PyObject getRef() {
        return ref;
    }

    void setRef(PyObject v) {
        ref = v == null ? PySocketRef.NONE : v;
    }

    /** The seconds the native layer gets for an endless timeout (as _socket._LONGEST_WAIT). */
    private static final double LONGEST_WAIT = 1e9;

    /**
     * {@code _init(family, type, proto, native, default_timeout)}: what {@code
     * _socket.socket.__init__} does, in one Java call: a new socket (CPython's "iii" checks, in
     * order) or the NativeSocket given, its family/type/proto, its timeout as Python shows it (the
     * default timeout when the native layer holds the clamped form of it) and a holder count.
     */
    final void init(PyObject familyArg, PyObject typeArg, PyObject protoArg, PyObject nativeArg, PyObject deflt) {
        NativeSocket n;
        PyObject view;
        if (nativeArg == null || nativeArg == Py.None) {
            int f = cInt(familyArg);
            int t = cInt(typeArg);
            int p = cInt(protoArg);
            try {
                n = NativeSocket.create(f, t, p);
            } catch (SocketError e) {
                throw PyBridge.pyError(e);
            }
            view = null;
        } else {
            Object j = nativeArg.__tojava__(NativeSocket.class);
            if (!(j instanceof NativeSocket)) {
                throw Py.TypeError("_native must be a NativeSocket or None");
            }
            n = (NativeSocket) j;
            view = nativeArg;
        }
        setNative(n, view);
        ref = new PySocketRef(n, view);
        family = n.family();
        type = n.type();
        proto = n.proto();
        Double t = n.getTimeout();
        PyObject shown = t == null ? Py.None : new PyFloat(t);
        if (t != null && t == LONGEST_WAIT && deflt != null && deflt != Py.None) {
            double d = deflt.asDouble();
            // _native_timeout(default) == t: the default was clamped to the longest wait
            if (!(d <= LONGEST_WAIT) || d == LONGEST_WAIT) {
                shown = deflt;
            }
        }
        timeout = shown;
    }

    /** {@code fileno()}: the real fd; -1 once closed (as CPython's sock_fd after close). */
    final PyObject fileno() {
        NativeSocket s = sock;
        if (s == null) {
            return Py.newInteger(-1);
        }
        try {
            return Py.newInteger(s.fileno());
        } catch (SocketError e) {
            throw PyBridge.pyError(e);
        }
    }

    /**
     * {@code close()}: lets go of the socket; the fd closes with its last holder (files from
     * makefile() and dup()s keep it open). Closing twice, or from two threads at once, lets go once.
     */
    final PyObject close() {
        NativeSocket s;
        synchronized (this) {
            s = sock;
            if (s == null) {
                return Py.None;
            }
            sock = null;
            sockObject = null;
        }
        PyObject r = ref;
        if (r instanceof PySocketRef) {
            ((PySocketRef) r).release();
        } else {
            r.invoke("release");
        }
        return Py.None;
    }

    /** {@code connect(address)} ({@code ex}: {@code connect_ex}, the errno instead of raising it). */
    final PyObject connect(PyObject address, boolean ex) {
        NativeSocket s = open();
        SockAddr a = sockaddr(address);
        try {
            if (ex) {
                return Py.newInteger(s.connectEx(a));
            }
            s.connect(a);
            return Py.None;
        } catch (SocketError e) {
            throw PyBridge.pyError(e);
        }
    }

    /**
     * The SockAddr of a Python address for this socket's family. An AF_INET {@code (str, int)}
     * with a numeric dotted-quad host (the form inet_pton takes: no resolver call either way) is
     * converted here; anything else by the Python converter ({@code _to_sockaddr}), which does
     * CPython's checks, errors and name resolution.
     */
    private SockAddr sockaddr(PyObject address) {
        if (family == org.sockbridge.SocketConstants.AF_INET && address.getClass() == PyTuple.class) {
            PyTuple t = (PyTuple) address;
            if (t.size() == 2) {
                PyObject h = t.pyget(0);
                PyObject p = t.pyget(1);
                if (h.getClass() == PyString.class && p.getClass() == PyInteger.class) {
                    int port = ((PyInteger) p).getValue();
                    byte[] ip = port >= 0 && port <= 65535 ? dottedQuad(((PyString) h).getString()) : null;
                    if (ip != null) {
                        return SockAddr.inet(ip, port);
                    }
                }
            }
        }
        Object j = invoke("_to_sockaddr", address).__tojava__(SockAddr.class);
        if (!(j instanceof SockAddr)) {
            throw Py.TypeError("_to_sockaddr must return a SockAddr");
        }
        return (SockAddr) j;
    }

    /**
     * The 4 bytes of {@code s} when it is a dotted quad in inet_pton's strict form (four decimal
     * numbers 0-255, no leading zeros, nothing else), else null.
     */
    static byte[] dottedQuad(String s) {
        int len = s.length();
        if (len < 7 || len > 15) {
            return null;
        }
        byte[] ip = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= len; i++) {
            char c = i < len ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // leading zero
                }
                value = value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
                digits++;
            } else if (c == '.' && digits > 0 && part < 4) {
                ip[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return null;
            }
        }
        return part == 4 ? ip : null;
    }

    // ---- argument conversion (CPython 2.7's "i" format, as _socket._c_int) -------------------

    static int cInt(PyObject v) {
        if (v instanceof PyInteger) {
            return ((PyInteger) v).getValue();
        }
        if (v instanceof PyLong) {
            java.math.BigInteger b = ((PyLong) v).getValue();
            if (b.bitLength() > 31) {
                throw Py.OverflowError(b.signum() < 0 ? "signed integer is less than minimum"
                        : "signed integer is greater than maximum");
            }
            return b.intValue();
        }
        if (v instanceof PyFloat) {
            throw Py.TypeError("integer argument expected, got float");
        }
        throw Py.TypeError("an integer is required");
    }

    private NativeSocket open() {
        NativeSocket s = sock;
        if (s == null) {
            throw PyBridge.pyError(new SocketError(EBADF, "Bad file descriptor"));
        }
        return s;
    }

    private static byte[] scratch(ThreadLocal<byte[][]> local, int n) {
        byte[][] holder = local.get();
        byte[] b = holder[0];
        if (n <= b.length) {
            return b;
        }
        if (n > SCRATCH_MAX) {
            return new byte[n];
        }
        b = new byte[Math.max(n, Math.min(SCRATCH_MAX, b.length * 2))];
        holder[0] = b;
        return b;
    }

    private static PyString str(byte[] buf, int n) {
        return PyBridge.str(buf, n);
    }

    /**
     * The str of a receive into {@code buf[0..room)} that reported {@code count} bytes. The
     * count can exceed the room (MSG_TRUNC on a datagram: its real length; MSG_OOB on an AF_UNIX
     * stream: 1 with no room): CPython then returns a string of that length whose tail is
     * whatever its buffer held; here the tail is zeros, never earlier data from the scratch array.
     */
    private static PyString received(byte[] buf, int room, int count) {
        if (count <= room) {
            return str(buf, count);
        }
        byte[] out = new byte[count];
        System.arraycopy(buf, 0, out, 0, room);
        return str(out, count);
    }

    // ---- receiving ---------------------------------------------------------------------------

    /** {@code recv(bufsize[, flags])}. */
    final PyObject recv(PyObject bufsize, PyObject flags) {
        int n = cInt(bufsize);
        int f = flags == null ? 0 : cInt(flags);
        if (n < 0) {
            throw Py.ValueError("negative buffersize in recv");
        }
        NativeSocket s = open();
        try {
            byte[] buf = scratch(RECV_SCRATCH, n);
            return received(buf, n, s.recv(buf, 0, n, f));
        } catch (SocketError e) {
            throw PyBridge.pyError(e);
        }
    }

    /** {@code recvfrom(bufsize[, flags])}. */
    final PyObject recvfrom(PyObject bufsize, PyObject flags) {
        int n = cInt(bufsize);
        int f = flags == null ? 0 : cInt(flags);
        if (n < 0) {
            throw Py.ValueError("negative buffersize in recvfrom");
        }
        NativeSocket s = open();
        byte[] buf = scratch(RECV_SCRATCH, n);
        try {
            NativeSocket.Received r = s.recvFrom(buf, 0, n, f);
            return new PyTuple(received(buf, n, r.count), address(r.address));
        } catch (SocketError e) {
            throw PyBridge.pyError(e);
        }
    }

    /** The Python address of a sender: the same tuple as last time when the sender repeats. */
    private PyObject address(SockAddr a) {
        if (a == null) {
            return Py.None;
        }
        Cached c = fromCache;
        if (c != null && c.key.equals(a)) {
            return (PyObject) c.value;
        }
        PyObject py = PyBridge.address(a);
        fromCache = new Cached(a, py);
        return py;
    }

    /**
     * {@code recv_into}/{@code recvfrom_into}: CPython's "w*|ii" parsing, then one receive
     * straight into the target's storage when it exposes a byte array (bytearray, memoryview of
     * one, array.array of bytes), else through the scratch buffer.
     */
    final PyObject recvInto(boolean from, PyObject target, PyObject nbytes, PyObject flags) {
        String name = from ? "recvfrom_into" : "recv_into";
        if (target instanceof PyArray) {
            PyArray a = (PyArray) target;
            int size = a.__len__() * a.getItemsize();
            int n = intoSize(from, name, size, nbytes, flags);
            int f = flags == null ? 0 : cInt(flags);
            NativeSocket s = open();
            Object store = PyBridge.arrayStore(a);
            if (store instanceof byte[]) {
                return received(from, s, (byte[]) store, 0, n, f);
            }
            byte[] buf = scratch(RECV_SCRATCH, n);
            PyObject result = received(from, s, buf, 0, n, f);
            PyBridge.copyIntoArray(a, buf, from ? ((PyTuple) result).__getitem__(0).asInt() : result.asInt());
            return result;
        }
        if (!(target instanceof BufferProtocol) || target instanceof PyString) {
            throw notWritable(target, name);
        }
        PyBuffer b;
        try {
            b = ((BufferProtocol) target).getBuffer(PyBUF.FULL);
        } catch (PyException | ClassCastException | UnsupportedOperationException e) {
            throw notWritable(target, name);
        }
        try {
            int n = intoSize(from, name, b.getLen(), nbytes, flags);
            int f = flags == null ? 0 : cInt(flags);
            NativeSocket s = open();
            java.nio.ByteBuffer nb = direct(b, n);
            if (nb != null) {
                return received(from, s, nb.array(), nb.arrayOffset() + nb.position(), n, f);
            }
            byte[] buf = scratch(RECV_SCRATCH, n);
            PyObject result = received(from, s, buf, 0, n, f);
            int got = from ? ((PyTuple) result).__getitem__(0).asInt() : result.asInt();
            b.copyFrom(buf, 0, 0, got);
            return result;
        } finally {
            b.release();
        }
    }

    /** The heap byte array behind a one-dimensional contiguous writable byte buffer, else null. */
    private static java.nio.ByteBuffer direct(PyBuffer b, int n) {
        try {
            if (b.getItemsize() != 1 || b.getNdim() != 1 || !b.isContiguous('C')) {
                return null;
            }
            java.nio.ByteBuffer nb = b.getNIOByteBuffer();
            return nb.hasArray() && !nb.isReadOnly() && nb.remaining() >= n ? nb : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int intoSize(boolean from, String name, int size, PyObject nbytes, PyObject flags) {
        int n = nbytes == null ? 0 : cInt(nbytes);
        if (flags != null) {
            cInt(flags);
        }
        if (n < 0) {
            throw Py.ValueError("negative buffersize in " + name);
        }
        if (n == 0) {
            return size;
        }
        if (n > size) {
            throw Py.ValueError(from ? "nbytes is greater than the length of the buffer"
                    : "buffer too small for requested bytes");
        }
        return n;
    }

    private PyObject received(boolean from, NativeSocket s, byte[] buf, int off, int n, int f) {
        try {
            if (!from) {
                return new PyInteger(s.recv(buf, off, n, f));
            }
            NativeSocket.Received r = s.recvFrom(buf, off, n, f);
            return new PyTuple(new PyInteger(r.count), address(r.address));
        } catch (SocketError e) {
            throw PyBridge.pyError(e);
        }
    }

    private static PyException notWritable(PyObject target, String name) {
        String kind = target == Py.None ? "None" : target.getType().fastGetName();
        return Py.TypeError(name + "() argument 1 must be read-write buffer, not " + kind);
    }

    // ---- sending -----------------------------------------------------------------------------

    /** The bytes of {@code data} (CPython's "s*"): a scratch array for str, else a new one. */
    @SuppressWarnings("deprecation")
    private static byte[] sendBytes(PyObject data, String what, int[] len, boolean mayScratch) {
        if (data.getClass() == PyString.class) {
            String s = ((PyString) data).getString();
            int n = s.length();
            len[0] = n;
            if (mayScratch && n <= SCRATCH_MAX) {
                byte[] buf = scratch(SEND_SCRATCH, n);
                s.getBytes(0, n, buf, 0); // PyString chars are bytes: the low 8 bits are the data
                return buf;
            }
            return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        if (data instanceof PyUnicode || data instanceof PyString || data instanceof BufferProtocol
                || data instanceof PyArray) {
            byte[] b = PyBridge.bytesOf(data, what);
            len[0] = b.length;
            return b;
        }
        throw Py.TypeError(what + " must be string or buffer, not "
                + (data == Py.None ? "None" : data.getType().fastGetName()));
    }

    /** {@code send(data[, flags])}. */
    final PyObject send(PyObject data, PyObject flags) {
        if (data.getClass() == PyString.class) {
            // A str is sent from its own bytes (PyStringIo), else copied as below.
            String str = ((PyString) data).getString();
            int f = flags == null ? 0 : cInt(flags);
            NativeSocket s = open();
            try {
                int sent = PyStringIo.send(s, str, 0, str.length(), f, false);
                if (sent >= 0) {
                    return new PyInteger(sent);
                }
            } catch (SocketError e) {
                throw PyBridge.pyError(e);
            }
        }
        int[] len = new int[1];
        byte[] b = sendBytes(data, "send() argument 1", len, true);
        int f = flags == null ? 0 : cInt(flags);
        NativeSocket s = open();
        try {
            return new PyInteger(s.send(b, 0, len[0], f));
        } catch (SocketError e) {
            throw PyBridge.pyError(e);
        }
    }

    /** {@code sendall(data[, flags])}: CPython 2.7's loop when signals can interrupt it. */
    final PyObject sendall(PyObject data, PyObject flags) {
        if (data.getClass() == PyString.class) {
            // A str is sent from its own bytes (PyStringIo), else copied as below.
            String str = ((PyString) data).getString();
            int f = flags == null ? 0 : cInt(flags);
            NativeSocket s = open();
            if (sendAllString(s, str, f)) {
                return Py.None;
            }
        }
        int[] len = new int[1];
        byte[] b = sendBytes(data, "sendall() argument 1", len, true);
        int f = flags == null ? 0 : cInt(flags);
        NativeSocket s = open();
        int total = len[0];
        if (!Interrupts.currentThreadEnabled()) {
            try {
                s.sendAll(b, 0, total, f);
                return Py.None;
            } catch (SocketError e) {
                throw PyBridge.pyError(e);
            }
        }
        // A thread signals interrupt: on EINTR the Python handlers run and, if none raises, the
        // rest is sent. They may use this thread's scratch buffer: the rest moves out of it first.
        int off = 0;
        do {
            try {
                off += s.send(b, off, total - off, f);
            } catch (SocketError e) {
                if (e.errno() != EINTR) {
                    throw PyBridge.pyError(e);
                }
                if (b == SEND_SCRATCH.get()[0]) {
                    b = java.util.Arrays.copyOfRange(b, off, total);
                    total -= off;
                    off = 0;
                }
                PyBridge.runSignalHandlers();
            }
        } while (off < total);
        return Py.None;
    }

    /**
     * sendall of a str from its own bytes; false if this JVM's String cannot be sent that way.
     * On a thread that signals interrupt, CPython 2.7's loop: on EINTR the Python handlers run
     * and, if none raises, the rest is sent.
     */
    private static boolean sendAllString(NativeSocket s, String str, int f) {
        int total = str.length();
        try {
            if (!Interrupts.currentThreadEnabled()) {
                return PyStringIo.send(s, str, 0, total, f, true) >= 0;
            }
            int off = 0;
            do {
                try {
                    int n = PyStringIo.send(s, str, off, total - off, f, false);
                    if (n < 0) {
                        if (off == 0) {
                            return false;
                        }
                        // cannot happen for one String once it went; send the rest by copy
                        byte[] rest = str.substring(off).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                        s.sendAll(rest, 0, rest.length, f);
                        return true;
                    }
                    off += n;
                } catch (SocketError e) {
                    if (e.errno() != EINTR) {
                        throw e;
                    }
                    PyBridge.runSignalHandlers();
                }
            } while (off < total);
            return true;
        } catch (SocketError e) {
            throw PyBridge.pyError(e);
        }
    }

    /** {@code sendto(data[, flags], address)}. */
    final PyObject sendto(PyObject[] args) {
        if (args.length != 2 && args.length != 3) {
            throw Py.TypeError("sendto() takes 2 or 3 arguments (" + args.length + " given)");
        }
        int[] len = new int[1];
        PyObject data = args[0];
        // A str is copied into the scratch buffer only after the address conversion, which
        // may run Python code; anything else is checked (and copied) first, as CPython does.
        byte[] b = data.getClass() == PyString.class ? null : sendBytes(data, "sendto() argument 1", len, false);
        int f = args.length == 3 ? cInt(args[1]) : 0;
        SockAddr to = destination(args[args.length - 1]);
        NativeSocket s = open();
        if (b == null) {
            b = sendBytes(data, "sendto() argument 1", len, true);
        }
        try {
            return new PyInteger(s.sendTo(b, 0, len[0], f, to));
        } catch (SocketError e) {
            throw PyBridge.pyError(e);
        }
    }

    /**
     * The SockAddr for a sendto address: the cached one when the same immutable address object
     * comes again (the tuple recvfrom returned, a constant), else the Python converter's
     * ({@code _sendto_address}, which says whether the result may be kept: numeric hosts only).
     */
    private SockAddr destination(PyObject addr) {
        Cached c = toCache;
        if (c != null && c.key == addr) {
            return (SockAddr) c.value;
        }
        PyObject got = invoke("_sendto_address", addr);
        SockAddr to = (SockAddr) got.__getitem__(0).__tojava__(SockAddr.class);
        if (got.__getitem__(1).__nonzero__() && immutable(addr)) {
            toCache = new Cached(addr, to);
        }
        return to;
    }

    private static boolean immutable(PyObject o) {
        Class<?> k = o.getClass();
        if (k == PyString.class || k == PyUnicode.class || k == PyInteger.class || k == PyLong.class) {
            return true;
        }
        if (k != PyTuple.class) {
            return false;
        }
        for (PyObject item : ((PyTuple) o).getArray()) {
            Class<?> ik = item.getClass();
            if (ik != PyString.class && ik != PyUnicode.class && ik != PyInteger.class && ik != PyLong.class) {
                return false;
            }
        }
        return true;
    }
}
