package org.sockbridge.jython;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.python.core.Py;
import org.python.core.PyBuiltinCallable;
import org.python.core.PyBuiltinMethod;
import org.python.core.PyDataDescr;
import org.python.core.PyInteger;
import org.python.core.PyObject;
import org.python.core.PyType;
import org.python.expose.BaseTypeBuilder;
import org.python.expose.ExposedType;
import org.sockbridge.NativeSocket;

/**
 * {@code _socket._NativeRef}: shares one {@link NativeSocket} between socket objects ({@code
 * dup()} in socket.py) and the files {@code makefile()} returns; the fd closes when the last
 * holder lets go, as CPython 2.7's reference counting does. The count is atomic (Jython has no
 * GIL: threads closing a socket and its files at once must neither lose a holder nor drop one
 * twice). A Java object, so making one per socket costs one small allocation and no Python frame.
 */
@ExposedType(name = PySocketRef.NAME, isBaseType = false, doc = PySocketRef.DOC)
public final class PySocketRef extends PyObject {
    static final String NAME = "_socket._NativeRef";
    static final String DOC = "The holder count of one native socket.";

    /** The Python type. */
    public static final PyType TYPE = register();

    private static final VarHandle HOLDERS;

    static {
        try {
            HOLDERS = MethodHandles.lookup().findVarHandle(PySocketRef.class, "holders", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Null only in {@link #NONE}. */
    private final NativeSocket sock;
    /** The Python view of {@link #sock}, made when first asked for. */
    private volatile PyObject sockObject;
    @SuppressWarnings("unused") // through HOLDERS
    private volatile int holders = 1;

    /**
     * The reference of a socket object whose {@code __init__} never ran ({@code __new__} alone,
     * {@code copy.copy}): no socket, so acquire/release/force_close do nothing.
     */
    static final PySocketRef NONE = new PySocketRef(null, Py.None);

    /** A reference with one holder (the socket object that made it). */
    PySocketRef(NativeSocket sock, PyObject sockObject) {
        super(TYPE);
        this.sock = sock;
        this.sockObject = sockObject;
    }

    /** One more holder. */
    void acquire() {
        HOLDERS.getAndAdd(this, 1);
    }

    /** One holder fewer; the last one closes the socket. */
    void release() {
        if ((int) HOLDERS.getAndAdd(this, -1) - 1 <= 0 && sock != null) {
            sock.close();
        }
    }

    /** Closes the socket whoever holds it. */
    void forceClose() {
        HOLDERS.setVolatile(this, 0);
        if (sock != null) {
            sock.close();
        }
    }

    PyObject nativeObject() {
        PyObject o = sockObject;
        if (o == null) {
            o = Py.java2py(sock);
            sockObject = o;
        }
        return o;
    }

    private static PyType register() {
        PyBuiltinMethod[] methods = {new Op("acquire", 0), new Op("release", 1), new Op("force_close", 2)};
        PyDataDescr[] descriptors = {new Get("native", "the org.sockbridge.NativeSocket shared"),
            new Get("holders", "how many hold the socket now")};
        PyType.addBuilder(PySocketRef.class, new BaseTypeBuilder(NAME, PySocketRef.class,
                Object.class, false, DOC, methods, descriptors, null));
        return PyType.fromClass(PySocketRef.class);
    }

    /** {@code acquire()}, {@code release()} and {@code force_close()}. */
    private static final class Op extends PyBuiltinMethod {
        private final int op;

        Op(String name, int op) {
            super(name);
            this.op = op;
        }

        private Op(PyType type, PyObject self, PyBuiltinCallable.Info info, int op) {
            super(type, self, info);
            this.op = op;
        }

        @Override
        public PyBuiltinCallable bind(PyObject self) {
            return new Op(getType(), self, info, op);
        }

        @Override
        public PyObject __call__() {
            PySocketRef r = (PySocketRef) self;
            switch (op) {
                case 0:
                    r.acquire();
                    break;
                case 1:
                    r.release();
                    break;
                default:
                    r.forceClose();
                    break;
            }
            return Py.None;
        }

        @Override
        public PyObject __call__(PyObject[] args, String[] kws) {
            if (args.length != 0) {
                throw Py.TypeError(info.getName() + "() takes no arguments (" + args.length + " given)");
            }
            return __call__();
        }
    }

    /** The read-only attributes {@code native} and {@code holders}. */
    private static final class Get extends JavaDataDescr {
        Get(String name, String doc) {
            super(name, PyObject.class, doc, false, false);
        }

        @Override
        public Object invokeGet(PyObject obj) {
            PySocketRef r = (PySocketRef) obj;
            return "native".equals(getName()) ? r.nativeObject() : new PyInteger((int) HOLDERS.getVolatile(r));
        }
    }
}
