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
        };
        PyDataDescr[] descriptors = {new NativeDescr()};
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

    /** {@code _native}: the NativeSocket held (None when closed); assignable by the subclass. */
    private static final class NativeDescr extends PyDataDescr {
        NativeDescr() {
            super("_native", PyObject.class, "the org.sockbridge.NativeSocket held, or None");
        }

        @Override
        public Object invokeGet(PyObject obj) {
            return ((PySocket) obj).getNative();
        }

        @Override
        public boolean implementsDescrGet() {
            return true;
        }

        @Override
        public boolean implementsDescrSet() {
            return true;
        }

        @Override
        public boolean implementsDescrDelete() {
            return true;
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
