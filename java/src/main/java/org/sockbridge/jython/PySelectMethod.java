package org.sockbridge.jython;

import org.python.core.Py;
import org.python.core.PyBuiltinCallable;
import org.python.core.PyBuiltinMethod;
import org.python.core.PyObject;
import org.python.core.PyType;

/**
 * A method of the {@code select} module's builtin types, as Jython's generated exposers make
 * them: an unbound prototype in the type's dict, bound to an object on attribute access. One
 * class per type, told apart by {@link #op}; calls with 0-2 positional arguments go straight to
 * {@link #call2} without an argument array.
 */
abstract class PySelectMethod extends PyBuiltinMethod {
    /** Which method this is (the owning type's numbering). */
    final int op;

    /** The unbound prototype named {@code name}. */
    PySelectMethod(String name, int op, String doc) {
        super(name);
        this.op = op;
        this.doc = doc;
    }

    /** A prototype bound to {@code self}. */
    PySelectMethod(PyType type, PyObject self, PyBuiltinCallable.Info info, int op, String doc) {
        super(type, self, info);
        this.op = op;
        this.doc = doc;
    }

    /** The same method bound to {@code self}. */
    abstract PySelectMethod bound(PyType type, PyObject self, PyBuiltinCallable.Info info);

    @Override
    public PyBuiltinCallable bind(PyObject bindTo) {
        return bound(getType(), bindTo, info);
    }

    /** A call with any arguments: the method's own parsing and CPython's errors. */
    abstract PyObject call(PyObject[] args, String[] keywords);

    /**
     * A call with {@code given} (0-2) positional arguments and no keywords; the default packs
     * them for {@link #call}.
     */
    PyObject call2(int given, PyObject a, PyObject b) {
        PyObject[] args = given == 0 ? Py.EmptyObjects : given == 1 ? new PyObject[] {a} : new PyObject[] {a, b};
        return call(args, Py.NoKeywords);
    }

    @Override
    public PyObject __call__(PyObject[] args, String[] keywords) {
        return call(args, keywords);
    }

    @Override
    public PyObject __call__(PyObject[] args) {
        return call(args, Py.NoKeywords);
    }

    @Override
    public PyObject __call__() {
        return call2(0, null, null);
    }

    @Override
    public PyObject __call__(PyObject a) {
        return call2(1, a, null);
    }

    @Override
    public PyObject __call__(PyObject a, PyObject b) {
        return call2(2, a, b);
    }
}
