package org.sockbridge.jython;

import org.python.core.Py;
import org.python.core.PyBuiltinCallable;
import org.python.core.PyBuiltinMethod;
import org.python.core.PyDataDescr;
import org.python.core.PyObject;
import org.python.core.PyOverridableNew;
import org.python.core.PyType;
import org.python.expose.BaseTypeBuilder;

/**
 * Registers {@link PySocket} as a Jython builtin type, written by hand the way Jython's build-time
 * exposer writes its {@code $PyExposer} classes (that generator is not part of Jython's runtime
 * jar): one {@link PyBuiltinMethod} per data method, a data descriptor for {@code _native} and a
 * {@code __new__} that makes a {@link PySocketDerived} for Python subclasses.
 *
 * <p>Each method parses its arguments as CPython 2.7.18's {@code PyArg_ParseTuple} does for that
 * method and gives CPython's messages for a wrong count or unexpected keywords.
 */
final class PySocketType {
    /** The type's Python name (only its subclass {@code _socket.socket} is normally seen). */
    static final String NAME = "_socket._socketbase";
    /** The type's docstring. */
    static final String DOC = "The socket object's Java base: the data methods.";

    private PySocketType() {}

    static PyType register() {
        PyBuiltinMethod[] methods = {
            new Recv(false), new Recv(true), new Into(false), new Into(true),
            new Send(false), new Send(true), new SendTo(),
            new Op(Op.INIT), new Op(Op.FILENO), new Op(Op.CLOSE), new Op(Op.CONNECT), new Op(Op.CONNECT_EX),
            new Op(Op.BIND_INTO),
        };
        PyDataDescr[] descriptors = {new NativeDescr(), new Field("_family", 0), new Field("_type", 1),
            new Field("_proto", 2), new Field("_timeout", 3), new Field("_ref", 4)};
        PyType.addBuilder(PySocket.class, new BaseTypeBuilder(NAME, PySocket.class, Object.class, true,
                DOC, methods, descriptors, new New()));
        return PyType.fromClass(PySocket.class);
    }

    /** CPython's count error for a method taking min..max arguments. */
    static org.python.core.PyException count(String name, int given, int min, int max) {
        String how;
        int n;
        if (min == max) {
            how = "exactly";
            n = min;
        } else if (given < min) {
            how = "at least";
            n = min;
        } else {
            how = "at most";
            n = max;
        }
        return Py.TypeError(name + "() takes " + how + " " + n + " argument" + (n == 1 ? "" : "s")
                + " (" + given + " given)");
    }

    static void noKeywords(String name, String[] kws) {
        if (kws.length != 0) {
            throw Py.TypeError(name + "() takes no keyword arguments");
        }
    }

    /** A method of the socket object, bound to one (or unbound, in the type's dict). */
    private abstract static class Method extends PyBuiltinMethod {
        Method(String name, String doc) {
            super(name);
            this.doc = doc;
        }

        Method(PyType type, PyObject self, PyBuiltinCallable.Info info, String doc) {
            super(type, self, info);
            this.doc = doc;
        }

        final PySocket sock() {
            return (PySocket) self;
        }

        final String name() {
            return info.getName();
        }

        @Override
        public PyObject __call__() {
            return __call__(Py.EmptyObjects, Py.NoKeywords);
        }
    }

    /** {@code recv(bufsize[, flags])} and {@code recvfrom(bufsize[, flags])}. */
    private static final class Recv extends Method {
        private final boolean from;

        Recv(boolean from) {
            super(from ? "recvfrom" : "recv", from
                    ? "recvfrom(buffersize[, flags]) -> (data, address info)"
                    : "recv(buffersize[, flags]) -> data");
            this.from = from;
        }

        private Recv(PyType type, PyObject self, PyBuiltinCallable.Info info, String doc, boolean from) {
            super(type, self, info, doc);
            this.from = from;
        }

        @Override
        public PyBuiltinCallable bind(PyObject self) {
            return new Recv(getType(), self, info, doc, from);
        }

        @Override
        public PyObject __call__(PyObject a) {
            return from ? sock().recvfrom(a, null) : sock().recv(a, null);
        }

        @Override
        public PyObject __call__(PyObject a, PyObject b) {
            return from ? sock().recvfrom(a, b) : sock().recv(a, b);
        }

        @Override
        public PyObject __call__(PyObject[] args, String[] kws) {
            noKeywords(name(), kws);
            switch (args.length) {
                case 1:
                    return __call__(args[0]);
                case 2:
                    return __call__(args[0], args[1]);
                default:
                    throw count(name(), args.length, 1, 2);
            }
        }
    }

    /** {@code recv_into(buffer[, nbytes[, flags]])} and {@code recvfrom_into}: keywords allowed. */
    private static final class Into extends Method {
        private static final String[] KWLIST = {"buffer", "nbytes", "flags"};
        private final boolean from;

        Into(boolean from) {
            super(from ? "recvfrom_into" : "recv_into", from
                    ? "recvfrom_into(buffer[, nbytes[, flags]]) -> (nbytes, address info)"
                    : "recv_into(buffer, [nbytes[, flags]]) -> nbytes_read");
            this.from = from;
        }

        private Into(PyType type, PyObject self, PyBuiltinCallable.Info info, String doc, boolean from) {
            super(type, self, info, doc);
            this.from = from;
        }

        @Override
        public PyBuiltinCallable bind(PyObject self) {
            return new Into(getType(), self, info, doc, from);
        }

        @Override
        public PyObject __call__(PyObject a) {
            return sock().recvInto(from, a, null, null);
        }

        @Override
        public PyObject __call__(PyObject a, PyObject b) {
            return sock().recvInto(from, a, b, null);
        }

        @Override
        public PyObject __call__(PyObject a, PyObject b, PyObject c) {
            return sock().recvInto(from, a, b, c);
        }

        @Override
        public PyObject __call__(PyObject[] args, String[] kws) {
            int total = args.length;
            if (total > 3) {
                throw Py.TypeError(name() + "() takes at most 3 arguments (" + total + " given)");
            }
            int npos = total - kws.length;
            PyObject[] out = new PyObject[3];
            System.arraycopy(args, 0, out, 0, npos);
            String invalid = null;
            for (int j = 0; j < kws.length; j++) {
                int idx = -1;
                for (int k = 0; k < KWLIST.length; k++) {
                    if (KWLIST[k].equals(kws[j])) {
                        idx = k;
                    }
                }
                if (idx < 0) {
                    if (invalid == null) {
                        invalid = kws[j];
                    }
                    continue;
                }
                if (idx < npos) {
                    throw Py.TypeError("Argument given by name ('" + kws[j] + "') and position (" + (idx + 1) + ")");
                }
                out[idx] = args[npos + j];
            }
            if (out[0] == null) {
                throw Py.TypeError("Required argument 'buffer' (pos 1) not found");
            }
            if (invalid != null) {
                throw Py.TypeError("'" + invalid + "' is an invalid keyword argument for this function");
            }
            return sock().recvInto(from, out[0], out[1], out[2]);
        }
    }

    /** {@code send(data[, flags])} and {@code sendall(data[, flags])}. */
    private static final class Send extends Method {
        private final boolean all;

        Send(boolean all) {
            super(all ? "sendall" : "send", all
                    ? "sendall(data[, flags])\n\nSend a data string to the socket."
                    : "send(data[, flags]) -> count");
            this.all = all;
        }

        private Send(PyType type, PyObject self, PyBuiltinCallable.Info info, String doc, boolean all) {
            super(type, self, info, doc);
            this.all = all;
        }

        @Override
        public PyBuiltinCallable bind(PyObject self) {
            return new Send(getType(), self, info, doc, all);
        }

        @Override
        public PyObject __call__(PyObject a) {
            return all ? sock().sendall(a, null) : sock().send(a, null);
        }

        @Override
        public PyObject __call__(PyObject a, PyObject b) {
            return all ? sock().sendall(a, b) : sock().send(a, b);
        }

        @Override
        public PyObject __call__(PyObject[] args, String[] kws) {
            noKeywords(name(), kws);
            switch (args.length) {
                case 1:
                    return __call__(args[0]);
                case 2:
                    return __call__(args[0], args[1]);
                default:
                    throw count(name(), args.length, 1, 2);
            }
        }
    }

    /** {@code sendto(data[, flags], address)}. */
    private static final class SendTo extends Method {
        SendTo() {
            super("sendto", "sendto(data[, flags], address) -> count");
        }

        private SendTo(PyType type, PyObject self, PyBuiltinCallable.Info info, String doc) {
            super(type, self, info, doc);
        }

        @Override
        public PyBuiltinCallable bind(PyObject self) {
            return new SendTo(getType(), self, info, doc);
        }

        @Override
        public PyObject __call__(PyObject a, PyObject b) {
            return sock().sendto(new PyObject[] {a, b});
        }

        @Override
        public PyObject __call__(PyObject[] args, String[] kws) {
            noKeywords(name(), kws);
            return sock().sendto(args);
        }
    }

    /**
     * {@code fileno()}, {@code close()}, {@code connect(address)}, {@code connect_ex(address)}
     * (CPython's argument counts and messages) and {@code _init(family, type, proto, native,
     * default_timeout)}, the body of {@code _socket.socket.__init__}.
     */
    private static final class Op extends Method {
        static final int INIT = 0;
        static final int FILENO = 1;
        static final int CLOSE = 2;
        static final int CONNECT = 3;
        static final int CONNECT_EX = 4;
        static final int BIND_INTO = 5;
        private static final String[] NAMES = {"_init", "fileno", "close", "connect", "connect_ex", "_bind_into"};
        private static final String[] DOCS = {
            "_init(family, type, proto, native, default_timeout): what __init__ does",
            "fileno() -> integer\n\nReturn the integer file descriptor of the socket.",
            "close()\n\nClose the socket.  It cannot be used after this call.",
            "connect(address)\n\nConnect the socket to a remote address.  For IP sockets, the address\n"
                + "is a pair (host, port).",
            "connect_ex(address) -> errno\n\nThis is like connect(address), but returns an error code (the errno value)\n"
                + "instead of raising an exception when an error occurs.",
            "_bind_into(obj, names): setattr(obj, name, getattr(self, name)) for each name",
        };
        private final int op;

        Op(int op) {
            super(NAMES[op], DOCS[op]);
            this.op = op;
        }

        private Op(PyType type, PyObject self, PyBuiltinCallable.Info info, String doc, int op) {
            super(type, self, info, doc);
            this.op = op;
        }

        @Override
        public PyBuiltinCallable bind(PyObject self) {
            return new Op(getType(), self, info, doc, op);
        }

        @Override
        public PyObject __call__() {
            switch (op) {
                case FILENO:
                    return sock().fileno();
                case CLOSE:
                    return sock().close();
                default:
                    throw wrongCount(0);
            }
        }

        @Override
        public PyObject __call__(PyObject a) {
            switch (op) {
                case CONNECT:
                    return sock().connect(a, false);
                case CONNECT_EX:
                    return sock().connect(a, true);
                default:
                    throw wrongCount(1);
            }
        }

        private org.python.core.PyException wrongCount(int given) {
            switch (op) {
                case FILENO:
                case CLOSE:
                    return Py.TypeError(name() + "() takes no arguments (" + given + " given)");
                case CONNECT:
                case CONNECT_EX:
                    return Py.TypeError(name() + "() takes exactly one argument (" + given + " given)");
                case BIND_INTO:
                    return count(name(), given, 2, 2);
                default:
                    return count(name(), given, 5, 5);
            }
        }

        @Override
        public PyObject __call__(PyObject[] args, String[] kws) {
            noKeywords(name(), kws);
            switch (args.length) {
                case 0:
                    return __call__();
                case 1:
                    return __call__(args[0]);
                case 2:
                    if (op == BIND_INTO) {
                        PySocketDelegate.bindInto(args[0], sock(), args[1]);
                        return Py.None;
                    }
                    throw wrongCount(2);
                case 5:
                    if (op == INIT) {
                        sock().init(args[0], args[1], args[2], args[3], args[4]);
                        return Py.None;
                    }
                    throw wrongCount(5);
                default:
                    throw wrongCount(args.length);
            }
        }
    }

    /** {@code _family}, {@code _type}, {@code _proto}, {@code _timeout}, {@code _ref}: Java fields. */
    private static final class Field extends JavaDataDescr {
        private final int which;

        Field(String name, int which) {
            super(name, PyObject.class, "kept by _socket.socket", true, false);
            this.which = which;
        }

        @Override
        public Object invokeGet(PyObject obj) {
            PySocket s = (PySocket) obj;
            switch (which) {
                case 0:
                    return s.getFamily();
                case 1:
                    return s.getTypeAttr();
                case 2:
                    return s.getProto();
                case 3:
                    return s.getTimeout();
                default:
                    return s.getRef();
            }
        }

        @Override
        public void invokeSet(PyObject obj, Object value) {
            PySocket s = (PySocket) obj;
            PyObject v = (PyObject) value;
            if (which < 3) {
                s.setInts(which, v);
            } else if (which == 3) {
                s.setTimeout(v);
            } else {
                s.setRef(v);
            }
        }
    }

    /** {@code _native}: the NativeSocket held (None when closed); assignable by the subclass. */
    private static final class NativeDescr extends JavaDataDescr {
        NativeDescr() {
            super("_native", PyObject.class, "the org.sockbridge.NativeSocket held, or None", true, true);
        }

        @Override
        public Object invokeGet(PyObject obj) {
            return ((PySocket) obj).getNative();
        }

        @Override
        public void invokeSet(PyObject obj, Object value) {
            ((PySocket) obj).setNative((PyObject) value);
        }

        @Override
        public void invokeDelete(PyObject obj) {
            ((PySocket) obj).setNative(Py.None);
        }
    }

    /** {@code __new__}: a bare object of this type, or a {@link PySocketDerived} for a subclass. */
    private static final class New extends PyOverridableNew {
        @Override
        public PyObject createOfType(boolean init, PyObject[] args, String[] keywords) {
            return new PySocket(for_type);
        }

        @Override
        public PyObject createOfSubtype(PyType subtype) {
            return new PySocketDerived(subtype);
        }
    }
}
