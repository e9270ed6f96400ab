package org.sockbridge.jython;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import org.python.core.Py;
import org.python.core.PyBuiltinFunction;
import org.python.core.PyException;
import org.python.core.PyFloat;
import org.python.core.PyInteger;
import org.python.core.PyJavaType;
import org.python.core.PyList;
import org.python.core.PyLong;
import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.core.PyTuple;
import org.sockbridge.NativeSocket;
import org.sockbridge.Poller;
import org.sockbridge.SocketConstants;
import org.sockbridge.SocketError;

/**
 * The Jython {@code select} module's {@code select()} as a builtin function, and what the
 * module's {@link PyPoll} and {@link PyEpoll} objects share: turning Python objects into what the
 * native layer watches, argument conversion with CPython 2.7.18's messages, and its exceptions.
 */
public final class PySelect {
    private static final PyString SELECT_MODULE = Py.newString("select");
    private static final PyString SIGNAL_MODULE = Py.newString("_sockbridge_signal");
    private static final int EINTR = org.sockbridge.Interrupts.EINTR;
    /** Longer (finite) waits are given to the native layer as this many seconds. */
    private static final double LONGEST_WAIT = 1e9;
    private static final double LONG_MAX = 9223372036854775807.0;

    /** Linux select(2) sets: what counts as readable, writable, exceptional. */
    private static final int READ_SET = SocketConstants.POLLIN | SocketConstants.POLLRDNORM
            | SocketConstants.POLLRDBAND | SocketConstants.POLLHUP | SocketConstants.POLLERR;
    private static final int WRITE_SET = SocketConstants.POLLOUT | SocketConstants.POLLWRNORM
            | SocketConstants.POLLWRBAND | SocketConstants.POLLERR;
    private static final int EXCEPT_SET = SocketConstants.POLLPRI;
    private static final short[] WANT = {(short) SocketConstants.POLLIN, (short) SocketConstants.POLLOUT,
        (short) SocketConstants.POLLPRI};
    private static final int[] SETS = {READ_SET, WRITE_SET, EXCEPT_SET};

    /** {@code select.select}: install with {@code select = PySelect.SELECT} in the module. */
    public static final PyObject SELECT = new SelectFunction();
    /** {@code select.poll}: a new {@link PyPoll}. */
    public static final PyObject POLL = new PollFunction();
    /**
     * {@code select.epoll}: the type. Python code must take it from here, not import PyEpoll:
     * importing a PyObject class makes Jython build its type before the class's own static
     * initializer has registered the type builder.
     */
    public static final PyObject EPOLL = PyEpoll.TYPE;

    private PySelect() {}

    // ---- errors ---------------------------------------------------------------------------

    /** The calling interpreter's {@code select.error} (looked up on the error path only). */
    static PyObject selectError() {
        PyObject modules = Py.getSystemState().modules;
        PyObject module = modules == null ? null : modules.__finditem__(SELECT_MODULE);
        PyObject cls = module == null ? null : module.__findattr__("error");
        return cls == null ? Py.EnvironmentError : cls;
    }

    /**
     * The Python exception of class {@code kind} ({@code select.error} when null) for a facade
     * error. For {@code EINTR} the pending signal handlers run first; an exception they raise is
     * thrown instead, as in CPython.
     */
    static PyException error(SocketError e, PyObject kind) {
        if (e.errno() == EINTR) {
            runSignalHandlers();
        }
        return new PyException(kind == null ? selectError() : kind,
                new PyTuple(Py.newInteger(e.errno()), Py.newString(e.strerror())));
    }

    private static void runSignalHandlers() {
        PyObject modules = Py.getSystemState().modules;
        PyObject module = modules == null ? null : modules.__finditem__(SIGNAL_MODULE);
        PyObject run = module == null ? null : module.__findattr__("run_pending");
        if (run != null) {
            run.__call__();
        }
    }

    static PyException notSelectable() {
        return Py.TypeError("argument must be an int, or have a fileno() method");
    }

    // ---- argument conversion (CPython 2.7's PyArg rules) ----------------------------------

    /** PyObject_AsFileDescriptor's int rule: out of C int range is -1, then negative is a ValueError. */
    static int fdOfInt(PyObject o) {
        int fd;
        if (o instanceof PyInteger) {
            fd = ((PyInteger) o).getValue();
        } else {
            java.math.BigInteger v = ((PyLong) o).getValue();
            fd = v.bitLength() < 32 ? v.intValue() : -1;
        }
        if (fd < 0) {
            throw Py.ValueError("file descriptor cannot be a negative integer (" + fd + ")");
        }
        return fd;
    }

    /** True for a Python int or long (bool included). */
    static boolean isInt(PyObject o) {
        return o instanceof PyInteger || o instanceof PyLong;
    }

    /**
     * What the native layer watches for a Python object: an {@link Integer} fd, the {@link
     * NativeSocket} of a plug-in socket (so closing it wakes the wait), or the Java I/O object
     * behind a Jython file, {@code os.pipe()} end or {@code sys.stdin}. A closed socket object
     * goes the generic way: its {@code fileno()} raises what CPython's does.
     */
    static Object target(PyObject o) {
        if (isInt(o)) {
            return fdOfInt(o);
        }
        if (o instanceof NativeSocketHolder) {
            NativeSocket s = ((NativeSocketHolder) o).nativeSocket();
            if (s != null) {
                return s;
            }
        }
        // socket.socket (_socketobject, and ssl's SSLSocket) wraps a _socket.socket in _sock:
        // the common case, one attribute lookup. Other Python-level sockets hold their
        // NativeSocket in _native.
        PyObject inner = o instanceof NativeSocketHolder ? null : o.__findattr__("_sock");
        if (inner instanceof NativeSocketHolder) {
            NativeSocket s = ((NativeSocketHolder) inner).nativeSocket();
            if (s != null) {
                return s;
            }
        }
        PyObject nat = o.__findattr__("_native");
        if (nat == null && inner != null && inner != Py.None) {
            nat = inner.__findattr__("_native");
        }
        if (nat != null && nat != Py.None) {
            Object j = nat.__tojava__(NativeSocket.class);
            if (j instanceof NativeSocket) {
                return j;
            }
        }
        if (o.getType() instanceof PyJavaType) {
            return o.__tojava__(Object.class); // a Java I/O object (FileDescriptor, FileIO, ...)
        }
        PyObject fileno = o.__findattr__("fileno");
        if (fileno == null) {
            throw notSelectable();
        }
        PyObject fd = fileno.__call__();
        if (isInt(fd)) {
            return fdOfInt(fd);
        }
        if (fd.getType() instanceof PyJavaType) {
            return fd.__tojava__(Object.class);
        }
        throw Py.TypeError("fileno() returned a non-integer");
    }

    /** The fd a target names ({@link Poller#fdOf}); a Java object without one is a TypeError. */
    static int fdOf(Object target) throws SocketError {
        try {
            return Poller.fdOf(target);
        } catch (IllegalArgumentException e) {
            throw notSelectable();
        }
    }

    /** PyFloat_AsDouble: floats, ints, longs and objects with {@code __float__}; else TypeError(message). */
    static double asDouble(PyObject o, String message) {
        if (o instanceof PyFloat) {
            return ((PyFloat) o).getValue();
        }
        if (o instanceof PyInteger) {
            return ((PyInteger) o).getValue();
        }
        if (o instanceof PyString || o == Py.None) {
            throw Py.TypeError(message);
        }
        try {
            return o.__float__().getValue();
        } catch (PyException e) {
            if (e.match(Py.TypeError) || e.match(Py.AttributeError)) {
                throw Py.TypeError(message);
            }
            throw e;
        }
    }

    /** PyArg's "i" format: a C int from an int or long, with CPython 2.7's errors. */
    static int asCInt(PyObject o) {
        if (o instanceof PyInteger) {
            return ((PyInteger) o).getValue();
        }
        if (o instanceof PyFloat) {
            throw Py.TypeError("integer argument expected, got float");
        }
        PyObject v = o;
        if (!(o instanceof PyLong)) {
            if (o instanceof PyString || o.__findattr__("__int__") == null) {
                throw Py.TypeError("an integer is required");
            }
            v = o.__int__();
            if (v instanceof PyInteger) {
                return ((PyInteger) v).getValue();
            }
        }
        java.math.BigInteger b = ((PyLong) v).getValue();
        if (b.bitLength() >= 32) {
            throw Py.OverflowError(b.signum() > 0 ? "signed integer is greater than maximum"
                    : "signed integer is less than minimum");
        }
        return b.intValue();
    }

    /** The arity error of a METH_VARARGS builtin parsed with PyArg_UnpackTuple. */
    static PyException arity(String name, int min, int max, int given) {
        if (given < min) {
            return Py.TypeError(name + " expected at least " + min + " arguments, got " + given);
        }
        return Py.TypeError(name + " expected at most " + max + " arguments, got " + given);
    }

    static void noKeywords(String name, String[] keywords) {
        if (keywords != null && keywords.length > 0) {
            throw Py.TypeError(name + "() takes no keyword arguments");
        }
    }

    /**
     * PyArg_ParseTupleAndKeywords' argument matching: the values of {@code names} in order
     * (null where not given), with CPython 2.7's errors; the first {@code required} are required.
     */
    static PyObject[] parse(String function, PyObject[] args, String[] keywords, String[] names, int required) {
        int nkw = keywords == null ? 0 : keywords.length;
        int npos = args.length - nkw;
        if (args.length > names.length) {
            throw Py.TypeError(function + "() takes at most " + names.length + " argument"
                    + (names.length == 1 ? "" : "s") + " (" + args.length + " given)");
        }
        PyObject[] out = new PyObject[names.length];
        System.arraycopy(args, 0, out, 0, npos);
        for (int k = 0; k < nkw; k++) {
            int slot = -1;
            for (int j = 0; j < names.length; j++) {
                if (names[j].equals(keywords[k])) {
                    slot = j;
                }
            }
            if (slot < 0) {
                throw Py.TypeError("'" + keywords[k] + "' is an invalid keyword argument for this function");
            }
            if (slot < npos) {
                throw Py.TypeError("Argument given by name ('" + keywords[k] + "') and position (" + (slot + 1) + ")");
            }
            out[slot] = args[npos + k];
        }
        for (int j = 0; j < required; j++) {
            if (out[j] == null) {
                throw Py.TypeError("Required argument '" + names[j] + "' (pos " + (j + 1) + ") not found");
            }
        }
        return out;
    }

    /** PyArg's "I" format: an unsigned int, masked, from an int or long (no overflow check). */
    static int asUIntMask(PyObject o) {
        if (o instanceof PyInteger) {
            return ((PyInteger) o).getValue();
        }
        if (o instanceof PyLong) {
            return ((PyLong) o).getValue().intValue();
        }
        if (o instanceof PyFloat) {
            throw Py.TypeError("integer argument expected, got float");
        }
        if (o instanceof PyString || o.__findattr__("__int__") == null) {
            throw Py.TypeError("an integer is required");
        }
        return asUIntMask(o.__int__());
    }

    // ---- select() --------------------------------------------------------------------------

    /** {@code select(rlist, wlist, xlist[, timeout])}. */
    private static final class SelectFunction extends PyBuiltinFunction {
        SelectFunction() {
            super("select", 3, 4, "select(rlist, wlist, xlist[, timeout]) -> (rlist, wlist, xlist)\n\n"
                    + "Wait until one or more file descriptors are ready for some kind of I/O.");
        }

        @Override
        public PyObject __call__(PyObject[] args, String[] keywords) {
            noKeywords("select", keywords);
            if (args.length < 3 || args.length > 4) {
                throw arity("select", 3, 4, args.length);
            }
            return select(args[0], args[1], args[2], args.length == 4 ? args[3] : Py.None);
        }

        @Override
        public PyObject __call__(PyObject[] args) {
            return __call__(args, Py.NoKeywords);
        }

        @Override
        public PyObject __call__(PyObject r, PyObject w, PyObject x) {
            return select(r, w, x, Py.None);
        }

        @Override
        public PyObject __call__(PyObject r, PyObject w, PyObject x, PyObject timeout) {
            return select(r, w, x, timeout);
        }
    }

    /** select()'s timeout in nanoseconds (-1: forever), with CPython 2.7's errors. */
    private static long selectTimeout(PyObject timeout) {
        if (timeout == Py.None) {
            return -1;
        }
        double t;
        if (timeout instanceof PyLong) {
            t = ((PyLong) timeout).getValue().doubleValue();
        } else {
            t = asDouble(timeout, "timeout must be a float or None");
        }
        if (t > LONG_MAX) {
            throw Py.OverflowError("timeout period too long");
        }
        if (!(t >= 0.0)) {
            throw new PyException(selectError(), new PyTuple(Py.newInteger(22), Py.newString("Invalid argument")));
        }
        double ns = Math.ceil(Math.min(t, LONGEST_WAIT) * 1e9);
        return (long) ns;
    }

    /** Per-thread arrays for select(): a call allocates nothing but its result lists. */
    private static final class Scratch {
        boolean busy;
        PyObject[] objects = new PyObject[64];
        Object[] targets = new Object[64];
        int[] fds = new int[64];
        long[] handles = new long[64];
        short[] events = new short[64];
        short[] revents = new short[64];

        void ensure(int n) {
            if (n > fds.length) {
                int size = Math.max(n, fds.length * 2);
                objects = java.util.Arrays.copyOf(objects, size);
                targets = java.util.Arrays.copyOf(targets, size);
                fds = java.util.Arrays.copyOf(fds, size);
                handles = java.util.Arrays.copyOf(handles, size);
                events = java.util.Arrays.copyOf(events, size);
                revents = java.util.Arrays.copyOf(revents, size);
            }
        }

        void clear(int n) {
            java.util.Arrays.fill(objects, 0, n, null);
            java.util.Arrays.fill(targets, 0, n, null);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * select() itself: reads the three sequences (a list or tuple by index against its current
     * length, as CPython's PySequence_Fast loop does, so a fileno() that shrinks it ends the loop
     * early), polls once, and returns the ready objects themselves, in their order.
     */
    static PyTuple select(PyObject r, PyObject w, PyObject x, PyObject timeout) {
        long nanos = selectTimeout(timeout);
        Scratch sc = SCRATCH.get();
        if (sc.busy) {
            sc = new Scratch(); // select() called from a fileno() inside select()
        }
        sc.busy = true;
        int n = 0;
        try {
            int[] ends = new int[3];
            boolean javaObjects = false;
            PyObject[] seqs = {r, w, x};
            for (int k = 0; k < 3; k++) {
                PyObject seq = seqs[k];
                if (!(seq instanceof PyList) && !(seq instanceof PyTuple)) {
                    seq = asList(seq);
                }
                for (int i = 0; i < seq.__len__(); i++) {
                    PyObject o = seq.__getitem__(i);
                    Object t = target(o);
                    sc.ensure(n + 1);
                    sc.objects[n] = o;
                    sc.events[n] = WANT[k];
                    sc.revents[n] = 0;
                    if (t instanceof Integer) {
                        sc.fds[n] = (Integer) t;
                        sc.handles[n] = 0;
                    } else if (t instanceof NativeSocket) {
                        sc.fds[n] = -1;
                        sc.handles[n] = Poller.pollHandle((NativeSocket) t);
                        sc.targets[n] = t;
                    } else {
                        sc.targets[n] = t;
                        javaObjects = true;
                    }
                    n++;
                }
                ends[k] = n;
            }
            if (javaObjects) {
                return selectGeneric(sc, ends, nanos);
            }
            try {
                Poller.pollInto(sc.fds, sc.handles, sc.events, sc.revents, n, nanos);
            } catch (SocketError e) {
                throw error(e, null);
            } finally {
                Reference.reachabilityFence(sc.targets); // the sockets whose handles were polled
            }
            PyObject[] out = new PyObject[3];
            int start = 0;
            for (int k = 0; k < 3; k++) {
                int count = 0;
                for (int i = start; i < ends[k]; i++) {
                    if ((sc.revents[i] & SocketConstants.POLLNVAL) != 0) {
                        throw error(new SocketError(9, "Bad file descriptor"), null);
                    }
                    if ((sc.revents[i] & SETS[k]) != 0) {
                        count++;
                    }
                }
                PyObject[] ready = new PyObject[count];
                count = 0;
                for (int i = start; i < ends[k]; i++) {
                    if ((sc.revents[i] & SETS[k]) != 0) {
                        ready[count++] = sc.objects[i];
                    }
                }
                out[k] = new PyList(ready);
                start = ends[k];
            }
            return new PyTuple(out, false);
        } finally {
            sc.clear(n);
            sc.busy = false;
        }
    }

    /** select() when Java I/O objects are watched: the facade's general path (drained pipes...). */
    private static PyTuple selectGeneric(Scratch sc, int[] ends, long nanos) {
        List<List<Object>> lists = new ArrayList<>(3);
        int start = 0;
        for (int k = 0; k < 3; k++) {
            List<Object> l = new ArrayList<>(ends[k] - start);
            for (int i = start; i < ends[k]; i++) {
                l.add(sc.targets[i] != null ? sc.targets[i] : Integer.valueOf(sc.fds[i]));
            }
            lists.add(l);
            start = ends[k];
        }
        int[][] ready;
        try {
            ready = Poller.selectIndexes(lists.get(0), lists.get(1), lists.get(2),
                    nanos < 0 ? null : nanos / 1e9);
        } catch (IllegalArgumentException e) {
            throw notSelectable();
        } catch (SocketError e) {
            throw error(e, null);
        }
        PyObject[] out = new PyObject[3];
        start = 0;
        for (int k = 0; k < 3; k++) {
            PyObject[] chosen = new PyObject[ready[k].length];
            for (int j = 0; j < chosen.length; j++) {
                chosen[j] = sc.objects[start + ready[k][j]];
            }
            out[k] = new PyList(chosen);
            start = ends[k];
        }
        return new PyTuple(out, false);
    }

    /** A select() argument that is neither list nor tuple, as a list (PySequence_Fast). */
    private static PyObject asList(PyObject seq) {
        List<PyObject> out = new ArrayList<>();
        try {
            for (PyObject o : seq.asIterable()) {
                out.add(o);
            }
        } catch (PyException e) {
            if (e.match(Py.TypeError)) {
                throw Py.TypeError("arguments 1-3 must be sequences");
            }
            throw e;
        }
        return new PyList(out);
    }

    // ---- poll() ----------------------------------------------------------------------------

    /** {@code poll()}: a new poll object. */
    private static final class PollFunction extends PyBuiltinFunction {
        PollFunction() {
            super("poll", 0, 0, "Returns a polling object, which supports registering and\n"
                    + "unregistering file descriptors, and then polling them for I/O events.");
        }

        @Override
        public PyObject __call__(PyObject[] args, String[] keywords) {
            noKeywords("poll", keywords);
            if (args.length != 0) {
                throw Py.TypeError("poll() takes no arguments (" + args.length + " given)");
            }
            return new PyPoll();
        }

        @Override
        public PyObject __call__() {
            return new PyPoll();
        }
    }
}
