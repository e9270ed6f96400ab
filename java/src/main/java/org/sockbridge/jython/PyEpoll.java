package org.sockbridge.jython;

import java.lang.ref.Reference;
import org.python.core.Py;
import org.python.core.PyBuiltinCallable;
import org.python.core.PyBuiltinFunction;
import org.python.core.PyBuiltinMethod;
import org.python.core.PyClassMethod;
import org.python.core.PyDataDescr;
import org.python.core.PyException;
import org.python.core.PyList;
import org.python.core.PyNewWrapper;
import org.python.core.PyObject;
import org.python.core.PyTuple;
import org.python.core.PyType;
import org.python.expose.BaseTypeBuilder;
import org.python.expose.ExposedType;
import org.sockbridge.Epoll;
import org.sockbridge.SocketConstants;
import org.sockbridge.SocketError;

/**
 * CPython 2.7's {@code select.epoll} as a Jython builtin type (not subclassable, no instance
 * dict, as in CPython) over an {@link Epoll}. {@code poll()} is one JNI call into per-thread
 * result arrays and allocates only its result list.
 *
 * <p>Jython builds a real type (not a Java proxy) only for a class marked {@link ExposedType}; the
 * type's contents come from the hand-written {@link Builder}, registered in the static initializer.
 */
@ExposedType(name = "select.epoll", isBaseType = false)
public final class PyEpoll extends PyObject {
    /** The Python type {@code select.epoll}. */
    public static final PyType TYPE;

    static {
        PyType.addBuilder(PyEpoll.class, new Builder());
        TYPE = PyType.fromClass(PyEpoll.class);
    }

    /** CPython 2.7's maxevents when -1 is given: FD_SETSIZE - 1. */
    private static final int DEFAULT_MAXEVENTS = 1023;
    private static final int DEFAULT_MASK = SocketConstants.EPOLLIN | SocketConstants.EPOLLOUT
            | SocketConstants.EPOLLPRI;
    private static final String[] NEW_ARGS = {"sizehint"};
    private static final String[] CTL_ARGS = {"fd", "eventmask"};
    private static final String[] POLL_ARGS = {"timeout", "maxevents"};

    /** Per-thread epoll_wait results, grown to the largest maxevents seen. */
    private static final ThreadLocal<int[][]> RESULTS = ThreadLocal.withInitial(() -> new int[][] {new int[64], new int[64]});

    private final Epoll ep;

    private PyEpoll(Epoll ep) {
        super(TYPE);
        this.ep = ep;
    }

    private static PyException ioError(SocketError e) {
        return PySelect.error(e, Py.IOError);
    }

    private static PyException closedError() {
        return Py.ValueError("I/O operation on closed epoll fd");
    }

    /** {@code select.epoll([sizehint=-1])}. */
    static PyObject create(PyObject[] args, String[] keywords) {
        PyObject[] a = PySelect.parse("epoll", args, keywords, NEW_ARGS, 0);
        int sizehint = a[0] == null ? -1 : PySelect.asCInt(a[0]);
        if (sizehint == 0 || sizehint < -1) {
            throw Py.ValueError("sizehint must be greater zero, got " + sizehint);
        }
        try {
            return new PyEpoll(new Epoll());
        } catch (SocketError e) {
            throw ioError(e);
        }
    }

    /** {@code epoll.fromfd(fd)}: an epoll object over fd (see {@link Epoll#fromFd}). */
    static PyObject fromfd(PyObject[] args, String[] keywords) {
        PySelect.noKeywords("fromfd", keywords);
        if (args.length != 1) {
            throw Py.TypeError("fromfd() takes exactly 1 argument (" + args.length + " given)");
        }
        int fd = PySelect.asCInt(args[0]);
        try {
            return new PyEpoll(Epoll.fromFd(fd));
        } catch (SocketError e) {
            throw ioError(e);
        }
    }

    private void checkOpen() {
        if (ep.closed()) {
            throw closedError();
        }
    }

    /** {@code op} 1 register, 2 unregister, 3 modify. */
    private void ctl(int op, PyObject fd, int mask) {
        checkOpen();
        Object target = PySelect.target(fd);
        try {
            switch (op) {
                case 1:
                    ep.register(target, mask);
                    break;
                case 3:
                    ep.modify(target, mask);
                    break;
                default:
                    ep.unregister(target);
            }
        } catch (IllegalArgumentException e) {
            throw PySelect.notSelectable();
        } catch (SocketError e) {
            if (op == 2 && e.errno() == 9) {
                return; // an fd closed already: ignored, as in CPython
            }
            throw ioError(e);
        } finally {
            Reference.reachabilityFence(target);
        }
    }

    /** {@code poll([timeout=-1[, maxevents=-1]])}: [(fd, events)] ready within timeout seconds. */
    PyObject poll(PyObject timeout, PyObject maxevents) {
        checkOpen();
        long nanos = -1;
        if (timeout != null) {
            double t = PySelect.asDouble(timeout, "a float is required");
            if (t >= 0) {
                if (t * 1000.0 > Integer.MAX_VALUE) {
                    throw Py.OverflowError("timeout is too large");
                }
                nanos = (long) (t * 1000.0) * 1_000_000L; // whole milliseconds, as epoll_wait(2)
            }
        }
        int max = maxevents == null ? -1 : PySelect.asCInt(maxevents);
        if (max == -1) {
            max = DEFAULT_MAXEVENTS;
        } else if (max < 1) {
            throw Py.ValueError("maxevents must be greater than 0, got " + max);
        }
        int[][] results = RESULTS.get();
        if (results[0].length < max) {
            results[0] = new int[max];
            results[1] = new int[max];
        }
        int[] fds = results[0];
        int[] events = results[1];
        int n;
        try {
            n = ep.waitInto(fds, events, nanos);
        } catch (SocketError e) {
            throw ioError(e);
        } finally {
            Reference.reachabilityFence(ep);
        }
        PyObject[] out = new PyObject[Math.min(n, max)];
        for (int i = 0; i < out.length; i++) {
            out[i] = new PyTuple(Py.newInteger(fds[i]), Py.newInteger(events[i] & 0xffffffffL));
        }
        return new PyList(out);
    }

    // ---- the type ------------------------------------------------------------------------

    private static final int CLOSE = 0;
    private static final int FILENO = 1;
    private static final int REGISTER = 2;
    private static final int MODIFY = 3;
    private static final int UNREGISTER = 4;
    private static final int POLL = 5;

    /** The methods of {@code select.epoll}, with CPython 2.7.18's argument errors. */
    private static final class Method extends PySelectMethod {
        Method(String name, int op, String doc) {
            super(name, op, doc);
        }

        Method(PyType type, PyObject self, PyBuiltinCallable.Info info, int op, String doc) {
            super(type, self, info, op, doc);
        }

        @Override
        PySelectMethod bound(PyType type, PyObject self, PyBuiltinCallable.Info info) {
            return new Method(type, self, info, op, doc);
        }

        @Override
        PyObject call(PyObject[] args, String[] keywords) {
            PyEpoll e = (PyEpoll) self;
            String name = info.getName();
            switch (op) {
                case CLOSE:
                case FILENO:
                    PySelect.noKeywords(name, keywords);
                    if (args.length != 0) {
                        throw Py.TypeError(name + "() takes no arguments (" + args.length + " given)");
                    }
                    return call2(0, null, null);
                case POLL:
                    if (e.ep.closed()) {
                        throw closedError();
                    }
                    PyObject[] p = PySelect.parse("poll", args, keywords, POLL_ARGS, 0);
                    return e.poll(p[0], p[1]);
                case UNREGISTER:
                    PyObject[] u = PySelect.parse("unregister", args, keywords, new String[] {"fd"}, 1);
                    e.ctl(2, u[0], 0);
                    return Py.None;
                default:
                    PyObject[] c = PySelect.parse(name, args, keywords, CTL_ARGS, op == MODIFY ? 2 : 1);
                    int mask = c[1] == null ? DEFAULT_MASK : PySelect.asUIntMask(c[1]);
                    e.ctl(op == MODIFY ? 3 : 1, c[0], mask);
                    return Py.None;
            }
        }

        @Override
        PyObject call2(int given, PyObject a, PyObject b) {
            PyEpoll e = (PyEpoll) self;
            switch (op) {
                case CLOSE:
                    if (given == 0) {
                        e.ep.close();
                        return Py.None;
                    }
                    break;
                case FILENO:
                    if (given == 0) {
                        e.checkOpen();
                        try {
                            return Py.newInteger(e.ep.fileno());
                        } catch (SocketError x) {
                            throw ioError(x);
                        }
                    }
                    break;
                case POLL:
                    return e.poll(a, b);
                default:
                    break;
            }
            PyObject[] args = given == 0 ? Py.EmptyObjects : given == 1 ? new PyObject[] {a} : new PyObject[] {a, b};
            return call(args, Py.NoKeywords);
        }
    }

    /** {@code select.epoll(...)}: {@link #create}. */
    private static final class New extends PyNewWrapper {
        @Override
        public PyObject new_impl(boolean init, PyType subtype, PyObject[] args, String[] keywords) {
            return create(args, keywords);
        }
    }

    /** {@code epoll.fromfd}, made a classmethod in the type's dict. */
    private static final class FromFd extends PyBuiltinFunction {
        FromFd() {
            super("fromfd", "fromfd(fd) -> epoll\n\nCreate an epoll object from a given control fd.");
        }

        @Override
        public PyObject __call__(PyObject[] args, String[] keywords) {
            // args[0] is the class (the classmethod binding); the rest are the caller's.
            PyObject[] rest = new PyObject[args.length - 1];
            System.arraycopy(args, 1, rest, 0, rest.length);
            return fromfd(rest, keywords);
        }

        @Override
        public PyObject __call__(PyObject[] args) {
            return __call__(args, Py.NoKeywords);
        }
    }

    /** {@code epoll.closed}: read-only. */
    private static final class Closed extends JavaDataDescr {
        Closed() {
            super("closed", Boolean.class, "True if the epoll handler is closed", true, true);
        }

        @Override
        public Object invokeGet(PyObject obj) {
            return Py.newBoolean(((PyEpoll) obj).ep.closed());
        }

        @Override
        public void invokeSet(PyObject obj, Object value) {
            throw notWritable();
        }

        @Override
        public void invokeDelete(PyObject obj) {
            throw notWritable();
        }

        private static PyException notWritable() {
            return Py.AttributeError("attribute 'closed' of 'select.epoll' objects is not writable");
        }
    }

    private static final class Builder extends BaseTypeBuilder {
        Builder() {
            super("select.epoll", PyEpoll.class, PyObject.class, false,
                    "select.epoll([sizehint=-1])\n\nReturns an epolling object\n\n"
                            + "sizehint must be a positive integer or -1 for the default size. The\n"
                            + "sizehint is used to optimize internal data structures. It doesn't limit\n"
                            + "the maximum number of monitored events.",
                    new PyBuiltinMethod[] {
                        new Method("close", CLOSE, "close() -> None\n\nClose the epoll control file descriptor. "
                                + "Further operations on the epoll\nobject will raise an exception."),
                        new Method("fileno", FILENO, "fileno() -> int\n\nReturn the epoll control file descriptor."),
                        new Method("register", REGISTER, "register(fd[, eventmask]) -> None\n\n"
                                + "Registers a new fd or raises an IOError if the fd is already registered.\n"
                                + "fd is the target file descriptor of the operation.\n"
                                + "events is a bit set composed of the various EPOLL constants; the default\n"
                                + "is EPOLL_IN | EPOLL_OUT | EPOLL_PRI.\n\n"
                                + "The epoll interface supports all file descriptors that support poll."),
                        new Method("modify", MODIFY, "modify(fd, eventmask) -> None\n\n"
                                + "fd is the target file descriptor of the operation\n"
                                + "events is a bit set composed of the various EPOLL constants"),
                        new Method("unregister", UNREGISTER, "unregister(fd) -> None\n\n"
                                + "fd is the target file descriptor of the operation."),
                        new Method("poll", POLL, "poll([timeout=-1[, maxevents=-1]]) -> [(fd, events), (...)]\n\n"
                                + "Wait for events on the epoll file descriptor for a maximum time of timeout\n"
                                + "in seconds (as float). -1 makes poll wait indefinitely.\n"
                                + "Up to maxevents are returned to the caller."),
                    }, new PyDataDescr[] {new Closed()}, new New());
        }

        @Override
        public PyObject getDict(PyType type) {
            PyObject dict = super.getDict(type);
            dict.__setitem__("fromfd", new PyClassMethod(new FromFd()));
            return dict;
        }
    }
}
