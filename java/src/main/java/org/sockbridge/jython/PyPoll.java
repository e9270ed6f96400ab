package org.sockbridge.jython;

import java.lang.ref.Reference;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.python.core.Py;
import org.python.core.PyBuiltinCallable;
import org.python.core.PyBuiltinMethod;
import org.python.core.PyDataDescr;
import org.python.core.PyException;
import org.python.core.PyFloat;
import org.python.core.PyInteger;
import org.python.core.PyList;
import org.python.core.PyLong;
import org.python.core.PyNewWrapper;
import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.core.PyTuple;
import org.python.core.PyType;
import org.python.expose.BaseTypeBuilder;
import org.python.expose.ExposedType;
import org.sockbridge.NativeSocket;
import org.sockbridge.Poller;
import org.sockbridge.SocketConstants;
import org.sockbridge.SocketError;

/**
 * CPython 2.7's {@code select.poll} object as a Jython builtin type (not subclassable, no
 * instance dict, as in CPython). The registered fds live in parallel arrays in registration
 * order, in exactly the form the native {@code poll(2)} takes, so {@code poll()} is one JNI call
 * and allocates only its result list.
 *
 * <p>Jython builds a real type (not a Java proxy) only for a class marked {@link ExposedType}; the
 * type's contents come from the hand-written {@link Builder}, registered in the static initializer.
 */
@ExposedType(name = "select.poll", isBaseType = false)
public final class PyPoll extends PyObject {
    /** The Python type {@code select.poll}. */
    public static final PyType TYPE;

    static {
        PyType.addBuilder(PyPoll.class, new Builder());
        TYPE = PyType.fromClass(PyPoll.class);
    }

    private static final int DEFAULT_MASK = SocketConstants.POLLIN | SocketConstants.POLLPRI
            | SocketConstants.POLLOUT;
    private static final BigInteger ULONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private int count;
    private int[] fds = new int[8];
    private long[] handles = new long[8];
    private short[] events = new short[8];
    /** The sockets watched by handle: kept reachable (a collected socket would be closed under the poll). */
    private NativeSocket[] sockets = new NativeSocket[8];
    /** The Java I/O objects registered (to recognise drained child-process pipes). */
    private Object[] ioObjects = new Object[8];
    /** What poll() reports for each entry: the int fd, or the Jython fd object registered. */
    private PyObject[] keys = new PyObject[8];
    /** fd -> position in the arrays. */
    private final Map<Integer, Integer> index = new HashMap<>();
    /** Jython fd objects registered -> their kernel fd (which may be closed by now). */
    private final Map<PyObject, Integer> objectFds = new HashMap<>();
    /*
     * Threads: every field is read and written under this object's lock, except that a running
     * poll() reads the entry arrays it took under the lock (while it waits, unlocked, and while it
     * builds its result). A register/modify/unregister during that time first copies the arrays
     * ({@link #unshare}), so the poll reports from the entries it polled, as CPython's poll does
     * from its own pollfd array.
     */
    private boolean polling;
    /** True while a running poll() holds the current entry arrays. */
    private boolean shared;
    /** The entries as the native poll takes them, kept across calls (rebuilt after a change). */
    private final Poller.Prepared prepared = new Poller.Prepared();
    /** True when the entries changed since {@link #prepared} was loaded. */
    private boolean dirty = true;

    PyPoll() {
        super(TYPE);
    }

    /** What the native layer takes for fd: a Jython fd object registered earlier by its fd. */
    private Object target(PyObject fd) {
        if (!objectFds.isEmpty() && !PySelect.isInt(fd)) {
            Integer known;
            try {
                known = objectFds.get(fd);
            } catch (PyException unhashable) {
                known = null;
            }
            if (known != null) {
                return known;
            }
        }
        return PySelect.target(fd);
    }

    /** poll's event mask as CPython 2.7 parses it (an unsigned short). */
    static int ushortMask(PyObject mask) {
        if (!PySelect.isInt(mask)) {
            if (mask instanceof PyFloat) {
                throw Py.TypeError("integer argument expected, got float");
            }
            throw Py.TypeError("an integer is required");
        }
        if (mask instanceof PyInteger) {
            int v = ((PyInteger) mask).getValue();
            if (v < 0) {
                throw Py.OverflowError("can't convert negative value to unsigned long");
            }
            if (v > 0xffff) {
                throw Py.OverflowError("Python int too large for C unsigned short");
            }
            return v;
        }
        BigInteger v = ((PyLong) mask).getValue();
        if (v.signum() < 0) {
            throw Py.OverflowError("can't convert negative value to unsigned long");
        }
        if (v.compareTo(ULONG_MAX) > 0) {
            throw Py.OverflowError("long int too large to convert");
        }
        if (v.bitLength() > 16) {
            throw Py.OverflowError("Python int too large for C unsigned short");
        }
        return v.intValue();
    }

    /** Copies the entry arrays before a change if a running poll() holds them (lock held). */
    private void unshare() {
        if (shared) {
            fds = fds.clone();
            handles = handles.clone();
            events = events.clone();
            sockets = sockets.clone();
            ioObjects = ioObjects.clone();
            keys = keys.clone();
            shared = false;
        }
    }

    private void grow() {
        int size = fds.length * 2;
        fds = Arrays.copyOf(fds, size);
        handles = Arrays.copyOf(handles, size);
        events = Arrays.copyOf(events, size);
        sockets = Arrays.copyOf(sockets, size);
        ioObjects = Arrays.copyOf(ioObjects, size);
        keys = Arrays.copyOf(keys, size);
    }

    /** {@code register(fd[, eventmask])}: watches fd, replacing an earlier mask. */
    synchronized void register(PyObject fd, PyObject eventmask) {
        int mask = eventmask == null ? DEFAULT_MASK : ushortMask(eventmask);
        Object target = target(fd);
        int kernelFd;
        try {
            kernelFd = PySelect.fdOf(target);
        } catch (SocketError e) {
            throw PySelect.error(e, Py.IOError);
        }
        unshare();
        Integer pos = index.get(kernelFd);
        int i;
        if (pos == null) {
            if (count == fds.length) {
                grow();
            }
            i = count++;
            index.put(kernelFd, i);
        } else {
            i = pos;
            forgetObject(i);
        }
        dirty = true;
        fds[i] = kernelFd;
        events[i] = (short) mask;
        NativeSocket s = target instanceof NativeSocket ? (NativeSocket) target : null;
        sockets[i] = s;
        handles[i] = s == null ? 0 : Poller.pollHandle(s);
        boolean ioObject = !(target instanceof Integer) && s == null;
        ioObjects[i] = ioObject ? target : null;
        if (ioObject) {
            // A Jython fd object (os.pipe()'s ends, ...), which CPython never sees: poll()
            // reports it, so os.write(fd) etc. take it back; modify/unregister find it by fd.
            keys[i] = fd;
            objectFds.put(fd, kernelFd);
        } else {
            keys[i] = Py.newInteger(kernelFd);
        }
    }

    private void forgetObject(int i) {
        if (ioObjects[i] != null) {
            objectFds.remove(keys[i]);
        }
    }

    /** {@code modify(fd, eventmask)}: IOError ENOENT if fd is not registered. */
    synchronized void modify(PyObject fd, PyObject eventmask) {
        int mask = ushortMask(eventmask);
        Integer pos = position(fd);
        if (pos == null) {
            throw new PyException(Py.IOError, new PyTuple(Py.newInteger(2), Py.newString("No such file or directory")));
        }
        unshare();
        events[pos] = (short) mask;
        if (!dirty && !polling) {
            prepared.setEvents(pos, (short) mask);
        } else {
            dirty = true;
        }
    }

    private int kernelFd(PyObject fd) {
        try {
            return PySelect.fdOf(target(fd));
        } catch (SocketError e) {
            throw PySelect.error(e, Py.IOError);
        }
    }

    private Integer position(PyObject fd) {
        return index.get(kernelFd(fd));
    }

    /** {@code unregister(fd)}: KeyError(fd) if fd is not registered. */
    synchronized void unregister(PyObject fd) {
        int kernelFd = kernelFd(fd);
        Integer pos = index.remove(kernelFd);
        if (pos == null) {
            throw Py.KeyError(Py.newInteger(kernelFd));
        }
        unshare();
        int i = pos;
        dirty = true;
        forgetObject(i);
        int tail = count - i - 1;
        System.arraycopy(fds, i + 1, fds, i, tail);
        System.arraycopy(handles, i + 1, handles, i, tail);
        System.arraycopy(events, i + 1, events, i, tail);
        System.arraycopy(sockets, i + 1, sockets, i, tail);
        System.arraycopy(ioObjects, i + 1, ioObjects, i, tail);
        System.arraycopy(keys, i + 1, keys, i, tail);
        count--;
        sockets[count] = null;
        ioObjects[count] = null;
        keys[count] = null;
        for (int j = i; j < count; j++) {
            index.put(fds[j], j);
        }
    }

    /** poll()'s timeout in nanoseconds (-1: forever), parsed as CPython 2.7 does. */
    private static long timeoutNanos(PyObject timeout) {
        if (timeout == null || timeout == Py.None) {
            return -1;
        }
        long ms;
        if (timeout instanceof PyInteger) {
            ms = ((PyInteger) timeout).getValue();
        } else {
            if (timeout instanceof PyString || timeout.__findattr__("__int__") == null) {
                throw Py.TypeError("timeout must be an integer or None");
            }
            PyObject v = timeout.__int__();
            if (v instanceof PyInteger) {
                ms = ((PyInteger) v).getValue();
            } else {
                BigInteger b = ((PyLong) v).getValue();
                if (b.bitLength() >= 64) {
                    throw Py.OverflowError("Python int too large to convert to C long");
                }
                if (b.bitLength() >= 32) {
                    throw Py.OverflowError("Python int too large to convert to C int");
                }
                ms = b.intValue();
            }
        }
        return ms < 0 ? -1 : ms * 1_000_000L;
    }

    /** {@code poll([timeout])}: [(fd, events)] ready within timeout milliseconds. */
    PyObject poll(PyObject timeout) {
        long nanos = timeoutNanos(timeout);
        int n;
        int[] f;
        long[] h;
        short[] ev;
        NativeSocket[] held;
        Object[] io;
        PyObject[] k;
        synchronized (this) {
            if (polling) {
                throw Py.RuntimeError("concurrent poll() invocation");
            }
            if (dirty) {
                prepared.load(fds, handles, events, count);
                dirty = false;
            }
            polling = true;
            shared = true;
            n = count;
            f = fds;
            h = handles;
            ev = events;
            held = sockets;
            io = ioObjects;
            k = keys;
        }
        try {
            int ready;
            try {
                ready = prepared.poll(nanos);
            } catch (SocketError e) {
                short[] rev = e.errno() == EBADF ? pollWithoutClosed(n, f, h, ev, held) : null;
                if (rev == null) {
                    throw PySelect.error(e, null);
                }
                return resultOf(n, ev, rev, io, k);
            }
            PyObject[] out = new PyObject[ready];
            int j = 0;
            for (int r = 0; r < ready; r++) {
                int i = prepared.ready(r);
                int rev = reported(io[i], prepared.revents(i), ev[i]);
                if (rev != 0) {
                    out[j++] = new PyTuple(k[i], Py.newInteger(rev));
                }
            }
            return new PyList(j == ready ? out : Arrays.copyOf(out, j));
        } finally {
            synchronized (this) {
                polling = false;
                shared = false;
            }
            Reference.reachabilityFence(held);
        }
    }

    /**
     * What poll() reports for an entry with revents rev: a child-process pipe Java drained and
     * closed (POLLNVAL) has its data or EOF readable.
     */
    private static int reported(Object ioObject, short rev, short ev) {
        if ((rev & SocketConstants.POLLNVAL) != 0 && ioObject != null && Poller.inMemory(ioObject)) {
            return ev & SocketConstants.POLLIN;
        }
        return rev & 0xffff;
    }

    /** The result list from a full revents array. */
    private static PyObject resultOf(int n, short[] ev, short[] rev, Object[] io, PyObject[] k) {
        java.util.ArrayList<PyObject> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (rev[i] != 0) {
                int r = reported(io[i], rev[i], ev[i]);
                if (r != 0) {
                    out.add(new PyTuple(k[i], Py.newInteger(r)));
                }
            }
        }
        return new PyList(out);
    }

    private static final int EBADF = 9;

    /**
     * After EBADF from a poll over sockets: if some registered socket objects are closed, polls
     * once more without waiting, with those entries watched by the fd number they had, as
     * CPython polls the raw fd: POLLNVAL while the number is free, the events of whatever
     * holds it now if it was reused. Returns the revents, or null if none is closed (the error
     * stands).
     */
    private static short[] pollWithoutClosed(int n, int[] f, long[] handlesPolled, short[] ev, NativeSocket[] held) {
        long[] h = null;
        for (int i = 0; i < n; i++) {
            if (held[i] != null && isClosed(held[i])) {
                if (h == null) {
                    h = Arrays.copyOf(handlesPolled, n);
                }
                h[i] = 0; // polled by its fd number alone
            }
        }
        if (h == null) {
            return null;
        }
        short[] revents = new short[n];
        try {
            Poller.pollInto(Arrays.copyOf(f, n), h, ev, revents, n, 0);
        } catch (SocketError e) {
            throw PySelect.error(e, null);
        }
        return revents;
    }

    private static boolean isClosed(NativeSocket s) {
        try {
            s.fileno();
            return false;
        } catch (SocketError e) {
            return true;
        }
    }

    // ---- the type ------------------------------------------------------------------------

    private static final int REGISTER = 0;
    private static final int MODIFY = 1;
    private static final int UNREGISTER = 2;
    private static final int POLL = 3;

    /** The methods of {@code select.poll}, with CPython 2.7.18's argument errors. */
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
            String name = info.getName();
            PySelect.noKeywords(name, keywords);
            int n = args.length;
            switch (op) {
                case REGISTER:
                    if (n < 1 || n > 2) {
                        throw Py.TypeError("register() takes " + (n < 1 ? "at least 1 argument" : "at most 2 arguments")
                                + " (" + n + " given)");
                    }
                    break;
                case MODIFY:
                    if (n != 2) {
                        throw Py.TypeError("modify() takes exactly 2 arguments (" + n + " given)");
                    }
                    break;
                case UNREGISTER:
                    if (n != 1) {
                        throw Py.TypeError("unregister() takes exactly one argument (" + n + " given)");
                    }
                    break;
                default:
                    if (n > 1) {
                        throw PySelect.arity("poll", 0, 1, n);
                    }
            }
            return call2(n, n > 0 ? args[0] : null, n > 1 ? args[1] : null);
        }

        @Override
        PyObject call2(int given, PyObject a, PyObject b) {
            PyPoll p = (PyPoll) self;
            switch (op) {
                case POLL:
                    if (given > 1) {
                        break;
                    }
                    return p.poll(a);
                case REGISTER:
                    if (given == 0) {
                        break;
                    }
                    p.register(a, b);
                    return Py.None;
                case MODIFY:
                    if (given != 2) {
                        break;
                    }
                    p.modify(a, b);
                    return Py.None;
                default:
                    if (given != 1) {
                        break;
                    }
                    p.unregister(a);
                    return Py.None;
            }
            PyObject[] args = given == 0 ? Py.EmptyObjects : given == 1 ? new PyObject[] {a} : new PyObject[] {a, b};
            return call(args, Py.NoKeywords);
        }
    }

    /** {@code type(select.poll())()}: refused, as in CPython. */
    private static final class NoNew extends PyNewWrapper {
        @Override
        public PyObject new_impl(boolean init, PyType subtype, PyObject[] args, String[] keywords) {
            throw Py.TypeError("cannot create 'select.poll' instances");
        }
    }

    private static final class Builder extends BaseTypeBuilder {
        Builder() {
            super("select.poll", PyPoll.class, PyObject.class, false, null, new PyBuiltinMethod[] {
                new Method("register", REGISTER, "Register a file descriptor with the polling object.\n"
                        + "fd -- either an integer, or an object with a fileno() method returning an\n"
                        + "      int.\n"
                        + "events -- an optional bitmask describing the type of events to check for"),
                new Method("modify", MODIFY, "Modify an already registered file descriptor.\n"
                        + "fd -- either an integer, or an object with a fileno() method returning an\n"
                        + "      int.\n"
                        + "events -- an optional bitmask describing the type of events to check for"),
                new Method("unregister", UNREGISTER, "Remove a file descriptor being tracked by the polling object."),
                new Method("poll", POLL, "Polls the set of registered file descriptors, returning a list containing \n"
                        + "any descriptors that have events or errors to report."),
            }, new PyDataDescr[0], new NoNew());
        }
    }
}
