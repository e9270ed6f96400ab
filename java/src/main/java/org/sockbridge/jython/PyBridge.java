package org.sockbridge.jython;

import org.python.core.BufferProtocol;
import org.python.core.Py;
import org.python.core.PyBUF;
import org.python.core.PyBuffer;
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
    private PyBridge() {}

    /**
     * The bytes of a Python object that offers the buffer interface ({@code str}, {@code
     * bytearray}, {@code memoryview}, {@code array.array}, {@code buffer}); {@code unicode} is
     * encoded as ASCII, as CPython 2.7 does. Anything else is a {@code TypeError}.
     */
    public static byte[] bytesOf(PyObject data) {
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
            return StringUtil.toBytes(((PyString) data).getString());
        }
        if (data instanceof BufferProtocol) {
            try (PyBuffer b = ((BufferProtocol) data).getBuffer(PyBUF.FULL_RO)) {
                byte[] out = new byte[b.getLen()];
                b.copyTo(out, 0);
                return out;
            }
        }
        throw Py.TypeError("must be string or buffer, not " + data.getType().fastGetName());
    }

    /** {@code send(data, flags)}. */
    public static int send(NativeSocket s, PyObject data, int flags) throws SocketError {
        byte[] b = bytesOf(data);
        return s.send(b, 0, b.length, flags);
    }

    /** {@code sendall(data, flags)}. */
    public static void sendAll(NativeSocket s, PyObject data, int flags) throws SocketError {
        byte[] b = bytesOf(data);
        s.sendAll(b, 0, b.length, flags);
    }

    /** {@code sendto(data, flags, address)}. */
    public static int sendTo(NativeSocket s, PyObject data, int flags, SockAddr to) throws SocketError {
        byte[] b = bytesOf(data);
        return s.sendTo(b, 0, b.length, flags, to);
    }

    /** {@code recv(bufsize, flags)} as a Python {@code str}. */
    public static PyString recv(NativeSocket s, int bufsize, int flags) throws SocketError {
        byte[] buf = new byte[bufsize];
        int n = s.recv(buf, 0, bufsize, flags);
        return Py.newString(StringUtil.fromBytes(buf, 0, n));
    }

    /** {@code recvfrom(bufsize, flags)} as {@code (str, address)}. */
    public static PyTuple recvFrom(NativeSocket s, int bufsize, int flags) throws SocketError {
        byte[] buf = new byte[bufsize];
        NativeSocket.Received r = s.recvFrom(buf, 0, bufsize, flags);
        return new PyTuple(Py.newString(StringUtil.fromBytes(buf, 0, r.count)), address(r.address));
    }

    /** {@code recv_into(buffer, nbytes, flags)}: writes into a writable buffer object. */
    public static int recvInto(NativeSocket s, PyObject target, int nbytes, int flags) throws SocketError {
        byte[] buf = new byte[nbytes];
        int n = s.recv(buf, 0, nbytes, flags);
        copyInto(target, buf, n);
        return n;
    }

    /** {@code recvfrom_into(buffer, nbytes, flags)} as {@code (count, address)}. */
    public static PyTuple recvFromInto(NativeSocket s, PyObject target, int nbytes, int flags) throws SocketError {
        byte[] buf = new byte[nbytes];
        NativeSocket.Received r = s.recvFrom(buf, 0, nbytes, flags);
        copyInto(target, buf, r.count);
        return new PyTuple(new PyInteger(r.count), address(r.address));
    }

    /** The length of a buffer object, or a {@code TypeError}. */
    public static int bufferLength(PyObject target) {
        if (!(target instanceof BufferProtocol) || target instanceof PyString) {
            throw Py.TypeError("recv_into() argument 1 must be read-write buffer, not " + target.getType().fastGetName());
        }
        try (PyBuffer b = ((BufferProtocol) target).getBuffer(PyBUF.FULL)) {
            return b.getLen();
        } catch (org.python.core.PyException notWritable) {
            throw Py.TypeError("recv_into() argument 1 must be read-write buffer, not "
                    + target.getType().fastGetName());
        }
    }

    private static void copyInto(PyObject target, byte[] src, int n) {
        if (!(target instanceof BufferProtocol)) {
            throw Py.TypeError("argument must be read-write buffer, not " + target.getType().fastGetName());
        }
        try (PyBuffer b = ((BufferProtocol) target).getBuffer(PyBUF.FULL)) {
            b.copyFrom(src, 0, 0, n);
        }
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
