package org.sockbridge.jython;

import org.python.core.BufferProtocol;
import org.python.core.Py;
import org.python.core.PyBUF;
import org.python.core.PyBuffer;
import org.python.core.PyArray;
import org.python.core.PyInteger;
import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.core.PyTuple;
import org.python.core.PyUnicode;
import org.python.core.util.StringUtil;
import org.sockbridge.NativeSocket;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketConstants;
import org.sockbridge.SocketError;

/**
 * The data path between the Jython {@code _socket} module and {@link NativeSocket}: one Java
 * call per Python socket operation, taking and returning Python objects ({@code str}, buffers,
 * address tuples) so the module does no per-byte work in Python.
 */
public final class PyBridge {
    /** Receives of up to this size go through a per-thread scratch buffer (no allocation). */
    private static final int SCRATCH = 65536;
    private static final ThreadLocal<byte[]> SCRATCH_BUFFER = ThreadLocal.withInitial(() -> new byte[SCRATCH]);

    private static final PyString SOCKET_MODULE = Py.newString("_socket");
    private static volatile PyObject signalHook;
    private static final int EINTR = org.sockbridge.Interrupts.EINTR;

    private PyBridge() {}

    /** The Java base type of {@code _socket.socket} ({@link PySocket}). */
    public static org.python.core.PyType socketType() {
        return PySocket.TYPE;
    }

    /** The type of {@code _socket._NativeRef} ({@link PySocketRef}). */
    public static org.python.core.PyType socketRefType() {
        return PySocketRef.TYPE;
    }

    /**
     * socket.py's delegating method {@code name} ({@link PySocketDelegate}): a callable taking
     * the socket object first; socket.py makes it an unbound method of its socket class.
     */
    public static PyObject socketMethod(String name, String doc) {
        return new PySocketDelegate(name, doc);
    }

    /**
     * The calling interpreter's {@code _socket.<name>} exception class. Looked up in the current
     * {@code sys.modules} on the error path only, so each interpreter (each {@code
     * PySystemState}) raises its own classes and nothing Python-visible is shared in statics.
     */
    private static PyObject errorClass(String name) {
        PyObject modules = Py.getSystemState().modules;
        PyObject module = modules == null ? null : modules.__finditem__(SOCKET_MODULE);
        PyObject cls = module == null ? null : module.__findattr__(name);
        return cls == null ? Py.IOError : cls;
    }

    /**
     * Called once by the plug-in's {@code _sockbridge_signal} module: {@code hook()} runs the
     * Python handlers of the signals that interrupted a blocking call ({@code EINTR}, see
     * {@link org.sockbridge.Interrupts}); their exceptions propagate from the call.
     */
    public static void registerSignalHook(PyObject hook) {
        signalHook = hook;
    }

    /** After {@code EINTR}: runs the pending Python signal handlers (which may raise). */
    static void runSignalHandlers() {
        PyObject hook = signalHook;
        if (hook != null) {
            hook.__call__();
        }
    }

    /**
     * The Python exception for a facade error: socket.timeout or socket.error(errno, strerror).
     * For {@code EINTR} the pending signal handlers run first; an exception they raise (such as
     * {@code KeyboardInterrupt}) is thrown instead, as in CPython.
     */
    public static org.python.core.PyException pyError(SocketError e) {
        if (e.errno() == EINTR) {
            runSignalHandlers();
        }
        if (e instanceof org.sockbridge.SocketTimeout) {
            return new org.python.core.PyException(errorClass("timeout"), Py.newString("timed out"));
        }
        PyObject errorType = errorClass("error");
        if (e.errno() == 0) {
            return new org.python.core.PyException(errorType, Py.newString(e.strerror()));
        }
        return new org.python.core.PyException(errorType, errnoArgs(e.errno(), e.strerror()));
    }

    /** (errno, strerror) tuples made so far, by errno: immutable, so raised errors share them. */
    private static final PyTuple[] ERRNO_ARGS = new PyTuple[256];

    private static PyTuple errnoArgs(int errno, String strerror) {
        if (errno <= 0 || errno >= ERRNO_ARGS.length) {
            return new PyTuple(new PyInteger(errno), Py.newString(strerror));
        }
        PyTuple t = ERRNO_ARGS[errno];
        if (t == null || !((PyString) t.pyget(1)).getString().equals(strerror)) {
            t = new PyTuple(new PyInteger(errno), Py.newString(strerror));
            ERRNO_ARGS[errno] = t;
        }
        return t;
    }

    private static byte[] receiveBuffer(int bufsize) {
        return bufsize <= SCRATCH ? SCRATCH_BUFFER.get() : new byte[bufsize];
    }

    /** A Python str holding bytes {@code [0, n)} of {@code buf} (one byte per char). */
    static PyString str(byte[] buf, int n) {
        return bytesString(new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /**
     * Jython's {@code PyString(String, boolean isBytes)}: the public constructor scans every char
     * to check that it fits in a byte, which costs more than the copy itself for a large receive;
     * text made from bytes as ISO-8859-1 always fits. Reached through a method handle (the
     * constructor is package-private), else the public one.
     */
    private static final java.lang.invoke.MethodHandle BYTES_STRING = bytesStringHandle();

    private static java.lang.invoke.MethodHandle bytesStringHandle() {
        try {
            java.lang.invoke.MethodHandles.Lookup in = java.lang.invoke.MethodHandles.privateLookupIn(
                    PyString.class, java.lang.invoke.MethodHandles.lookup());
            return in.findConstructor(PyString.class,
                    java.lang.invoke.MethodType.methodType(void.class, String.class, boolean.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A str of {@code s}, whose chars are all below 256 (made from bytes as ISO-8859-1). */
    static PyString bytesString(String s) {
        if (BYTES_STRING != null) {
            try {
                return (PyString) BYTES_STRING.invokeExact(s, true);
            } catch (Throwable e) { // the constructor throws nothing for a non-null String
                throw new IllegalStateException(e);
            }
        }
        return Py.newString(s);
    }

    /**
     * The bytes of a Python object that offers the buffer interface ({@code str}, {@code
     * bytearray}, {@code memoryview}, {@code array.array}, {@code buffer}); {@code unicode} is
     * encoded as ASCII, as CPython 2.7 does. Anything else is a {@code TypeError}.
     */
    public static byte[] bytesOf(PyObject data) {
        return bytesOf(data, null);
    }

    /** {@link #bytesOf(PyObject)} whose TypeError names the caller as CPython does ("send() argument 1"). */
    static byte[] bytesOf(PyObject data, String what) {
        if (data instanceof PyUnicode) {
            String s = ((PyUnicode) data).getString();
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 127) {
                    throw Py.UnicodeEncodeError("ascii", s, i, i + 1, "ordinal not in range(128)");
                }
            }
            return StringUtil.toBytes(s);
        }
        if (data instanceof PyString) {
            return ((PyString) data).getString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        if (data instanceof PyArray) {
            // Jython's array exports a buffer only for some item types: use its byte image
            // (what tostring() gives) for all of them.
            return ((PyArray) data).tostring().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        if (data instanceof BufferProtocol) {
            try (PyBuffer b = ((BufferProtocol) data).getBuffer(PyBUF.FULL_RO)) {
                byte[] out = new byte[b.getLen()];
                b.copyTo(out, 0);
                return out;
            } catch (ClassCastException | UnsupportedOperationException e) {
                throw notBuffer(data, what);
            }
        }
        throw notBuffer(data, what);
    }

    private static org.python.core.PyException notBuffer(PyObject data, String what) {
        String kind = data == Py.None ? "None" : data.getType().fastGetName();
        return Py.TypeError((what == null ? "" : what + " ") + "must be string or buffer, not " + kind);
    }

    /** {@code sendall(data, flags)}. */
    public static void sendAll(NativeSocket s, PyObject data, int flags)  {
        byte[] b = bytesOf(data, "sendall() argument 1");
        if (!org.sockbridge.Interrupts.currentThreadEnabled()) {
            try {
                s.sendAll(b, 0, b.length, flags);
                return;
            } catch (SocketError e) {
                throw pyError(e);
            }
        }
        // An interruptible thread: CPython 2.7's sendall loop. On EINTR the signal handlers
        // run; if none raises, the rest is sent (the interrupted wait sent nothing).
        int off = 0;
        do {
            try {
                off += s.send(b, off, b.length - off, flags);
            } catch (SocketError e) {
                if (e.errno() != EINTR) {
                    throw pyError(e);
                }
                runSignalHandlers();
            }
        } while (off < b.length);
    }

    /** {@code recv(bufsize, flags)} as a Python {@code str}. */
    public static PyString recv(NativeSocket s, int bufsize, int flags)  {
        try {
            byte[] buf = receiveBuffer(bufsize);
            int n = s.recv(buf, 0, bufsize, flags);
            return str(buf, n);
        } catch (SocketError e) {
            throw pyError(e);
        }
    }

    /** The length of a buffer object, or a {@code TypeError}. */
    public static int bufferLength(PyObject target) {
        return bufferLength(target, "recv_into");
    }

    /** The length of a writable buffer object, or CPython's TypeError naming {@code name()}. */
    public static int bufferLength(PyObject target, String name) {
        if (target instanceof PyArray) {
            PyArray a = (PyArray) target;
            return a.__len__() * a.getItemsize();
        }
        if (!(target instanceof BufferProtocol) || target instanceof PyString) {
            throw notWritable(target, name);
        }
        try (PyBuffer b = ((BufferProtocol) target).getBuffer(PyBUF.FULL)) {
            return b.getLen();
        } catch (org.python.core.PyException | ClassCastException | UnsupportedOperationException e) {
            throw notWritable(target, name);
        }
    }

    private static org.python.core.PyException notWritable(PyObject target, String name) {
        String kind = target == Py.None ? "None" : target.getType().fastGetName();
        return Py.TypeError(name + "() argument 1 must be read-write buffer, not " + kind);
    }

    /**
     * {@code SSLSocket.read(n)}: decrypted bytes as a Python str. A TLS read returns what one
     * record held (at most 16 KiB of plaintext, as OpenSSL's {@code SSL_read} does), so a read
     * asks for at most the per-thread scratch buffer's size: a large {@code n} (the 256 KiB reads
     * of a bulk transfer) costs no fresh array per call.
     */
    public static PyString tlsRead(org.sockbridge.TlsSocket t, int n) throws SocketError {
        n = Math.min(n, SCRATCH);
        byte[] buf = receiveBuffer(n);
        int got = t.read(buf, 0, n);
        return str(buf, got);
    }

    /** {@code SSLSocket.read(n, buffer)}: decrypted bytes into a writable buffer (as {@link #tlsRead}). */
    public static int tlsReadInto(org.sockbridge.TlsSocket t, PyObject target, int n) throws SocketError {
        n = Math.min(n, SCRATCH);
        byte[] buf = receiveBuffer(n);
        int got = t.read(buf, 0, n);
        copyInto(target, buf, got);
        return got;
    }

    private static void copyInto(PyObject target, byte[] src, int n) {
        if (target instanceof PyArray) {
            copyIntoArray((PyArray) target, src, n);
            return;
        }
        if (!(target instanceof BufferProtocol)) {
            throw Py.TypeError("argument must be read-write buffer, not " + target.getType().fastGetName());
        }
        try (PyBuffer b = ((BufferProtocol) target).getBuffer(PyBUF.FULL)) {
            b.copyFrom(src, 0, 0, n);
        }
    }

    /**
     * Writes {@code n} bytes at the start of an {@code array.array}'s byte image (CPython writes
     * the raw bytes into the array's memory; here the image is the one tostring() shows).
     */
    /** PyArray's own storage (getArray() returns a copy); null if it cannot be reached. */
    private static final java.lang.reflect.Field ARRAY_DATA = arrayDataField();

    private static java.lang.reflect.Field arrayDataField() {
        try {
            java.lang.reflect.Field f = PyArray.class.getDeclaredField("data");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static Object arrayStore(PyArray a) {
        try {
            return ARRAY_DATA == null ? null : ARRAY_DATA.get(a);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    static void copyIntoArray(PyArray a, byte[] src, int n) {
        Object store = arrayStore(a);
        if (store instanceof byte[]) {
            System.arraycopy(src, 0, (byte[]) store, 0, n);
            return;
        }
        if (store instanceof char[]) {
            char[] c = (char[]) store;
            for (int i = 0; i < n; i++) {
                c[i] = (char) (src[i] & 0xff);
            }
            return;
        }
        byte[] image = a.tostring().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(src, 0, image, 0, n);
        int items = a.__len__();
        a.fromstring(new String(image, java.nio.charset.StandardCharsets.ISO_8859_1));
        a.__delitem__(new org.python.core.PySlice(Py.newInteger(0), Py.newInteger(items), Py.None));
    }

    /**
     * An address as CPython shows it: {@code (host, port)}, {@code (host, port, flowinfo,
     * scope_id)}, an {@code AF_UNIX} path {@code str} ('' when unnamed), or {@code None}.
     */
    public static PyObject address(SockAddr a) {
        if (a == null) {
            return Py.None;
        }
        switch (a.family()) {
            case SocketConstants.AF_INET:
                return new PyTuple(Py.newString(a.host()), new PyInteger(a.port()));
            case SocketConstants.AF_INET6:
                return new PyTuple(Py.newString(a.host()), new PyInteger(a.port()),
                        new PyInteger(a.flowinfo()), new PyInteger(a.scopeId()));
            default:
                byte[] path = a.addressBytes();
                return Py.newString(StringUtil.fromBytes(path));
        }
    }
}
