package org.sockbridge.jython;

import org.python.core.Py;
import org.python.core.PyBuiltinFunction;
import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.core.PyType;

/**
 * The function behind one of socket.py's delegating methods ({@code connect}, {@code sendall},
 * {@code fileno}, ...): {@code f(self, *args)} calls {@code self._sock.<name>(*args)}, as
 * CPython 2.7's {@code partial(meth, name)} does, in Java: no Python frame, no {@code *args}
 * tuple. socket.py wraps it in {@code MethodType(f, None, _socketobject)}, as CPython does its
 * partial, so the class attribute is an unbound method and {@code s.connect} a bound one.
 *
 * <p>When {@code _sock} is a socket whose class does not override the method (the common case),
 * the Java method is called directly; otherwise (a subclass override, {@code _closedsocket}) the
 * attribute is looked up and called.
 */
final class PySocketDelegate extends PyBuiltinFunction {
    private final String name;
    /** What {@code PySocket.TYPE} holds under {@link #name}, or null (a Python-level method). */
    private final PyObject baseDescr;

    PySocketDelegate(String name, String doc) {
        super(name, doc);
        this.name = name.intern();
        this.baseDescr = PySocket.TYPE.fastGetDict().__finditem__(this.name);
    }

    /** The socket object to call directly, or null when the attribute must be looked up. */
    private PySocket direct(PyObject sock) {
        if (baseDescr != null && sock instanceof PySocket) {
            PyType t = sock.getType();
            if (t == PySocket.TYPE || t.lookup(name) == baseDescr) {
                return (PySocket) sock;
            }
        }
        return null;
    }

    private static PyObject realSocket(PyObject self) {
        return self.__getattr__("_sock");
    }

    @Override
    public PyObject __call__(PyObject self) {
        PyObject sock = realSocket(self);
        PySocket s = direct(sock);
        if (s != null) {
            switch (name) {
                case "fileno":
                    return s.fileno();
                case "close":
                    return s.close();
                default:
                    break;
            }
        }
        return sock.__getattr__(name).__call__();
    }

    @Override
    public PyObject __call__(PyObject self, PyObject a) {
        PyObject sock = realSocket(self);
        PySocket s = direct(sock);
        if (s != null) {
            switch (name) {
                case "sendall":
                    return s.sendall(a, null);
                case "connect":
                    return s.connect(a, false);
                case "connect_ex":
                    return s.connect(a, true);
                default:
                    break;
            }
        }
        return sock.__getattr__(name).__call__(a);
    }

    @Override
    public PyObject __call__(PyObject self, PyObject a, PyObject b) {
        PyObject sock = realSocket(self);
        PySocket s = direct(sock);
        if (s != null && name == "sendall") {
            return s.sendall(a, b);
        }
        return sock.__getattr__(name).__call__(a, b);
    }

    @Override
    public PyObject __call__(PyObject self, PyObject a, PyObject b, PyObject c) {
        return realSocket(self).__getattr__(name).__call__(a, b, c);
    }

    @Override
    public PyObject __call__(PyObject arg1, PyObject[] args, String[] kws) {
        if (kws.length != 0) {
            throw unexpectedKeyword(kws[0]);
        }
        switch (args.length) {
            case 0:
                return __call__(arg1);
            case 1:
                return __call__(arg1, args[0]);
            case 2:
                return __call__(arg1, args[0], args[1]);
            default:
                return realSocket(arg1).__getattr__(name).__call__(args);
        }
    }

    @Override
    public PyObject __call__(PyObject[] args, String[] kws) {
        if (kws.length != 0) {
            throw unexpectedKeyword(kws[0]);
        }
        if (args.length == 0) {
            // CPython: meth(name, self, *args) called without self
            throw Py.TypeError("meth() takes at least 2 arguments (1 given)");
        }
        PyObject[] rest = new PyObject[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        return __call__(args[0], rest, kws);
    }

    @Override
    public PyObject __call__() {
        return __call__(Py.EmptyObjects, Py.NoKeywords);
    }

    private static org.python.core.PyException unexpectedKeyword(String kw) {
        return Py.TypeError("meth() got an unexpected keyword argument '" + kw + "'");
    }

    /**
     * {@code _socketobject.__init__}'s loop: {@code setattr(obj, name, getattr(sock, name))} for
     * each name, in one Java call.
     */
    static void bindInto(PyObject obj, PyObject sock, PyObject names) {
        for (PyObject n : names.asIterable()) {
            // Attribute names are interned Strings (Jython compares them by identity); a str
            // keeps its interned form once made, so this interns each name once.
            String name = n instanceof PyString ? ((PyString) n).internedString() : n.asString().intern();
            obj.__setattr__(name, sock.__getattr__(name));
        }
    }
}
