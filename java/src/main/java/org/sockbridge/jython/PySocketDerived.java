package org.sockbridge.jython;

import org.python.core.Deriveds;
import org.python.core.Py;
import org.python.core.PyBoolean;
import org.python.core.PyException;
import org.python.core.PyInteger;
import org.python.core.PyLong;
import org.python.core.PyObject;
import org.python.core.PySequenceIter;
import org.python.core.PyString;
import org.python.core.PyType;
import org.python.core.PyUnicode;
import org.python.core.Slotted;
import org.python.core.finalization.FinalizablePyObjectDerived;
import org.python.core.finalization.FinalizeTrigger;

/**
 * An instance of a Python subclass of {@link PySocket} (such as {@code _socket.socket}, {@code
 * ssl.SSLSocket} or a user's class): adds the instance {@code __dict__}, {@code __slots__}
 * storage and {@code __del__}, and sends the special methods that Jython calls on the Java object
 * ({@code repr()}, {@code str()}, {@code hash()}, comparisons, truth, {@code len()}, iteration,
 * item access, calls, attribute access, {@code __init__}) to the Python class's definitions.
 * Jython generates such a class for each of its own builtin types; this one is written by hand.
 */
public class PySocketDerived extends PySocket implements Slotted, FinalizablePyObjectDerived {
    private final PyObject[] slots;
    private PyObject dict;

    /** A new instance of the Python subclass {@code subtype}. */
    public PySocketDerived(PyType subtype) {
        super(subtype);
        slots = new PyObject[subtype.getNumSlots()];
        dict = subtype.instDict();
        if (subtype.needsFinalizer()) {
            FinalizeTrigger.ensureFinalizer(this);
        }
    }

    @Override
    public PyObject getSlot(int index) {
        return slots[index];
    }

    @Override
    public void setSlot(int index, PyObject value) {
        slots[index] = value;
    }

    @Override
    public void __del_derived__() {
        PyObject impl = getType().lookup("__del__");
        if (impl != null) {
            impl.__get__(this, getType()).__call__();
        }
    }

    @Override
    public PyObject fastGetDict() {
        return dict;
    }

    @Override
    public PyObject getDict() {
        return dict;
    }

    @Override
    public void setDict(PyObject newDict) {
        if (newDict instanceof org.python.core.AbstractDict || newDict instanceof org.python.core.PyStringMap) {
            dict = newDict;
            return;
        }
        throw Py.TypeError("__dict__ must be set to a Dictionary " + newDict.getClass().getName());
    }

    @Override
    public void delDict() {
        dict = new org.python.core.PyStringMap();
    }

    /** The Python override of {@code name} bound to this object, or null. */
    private PyObject method(String name) {
        PyType t = getType();
        PyObject impl = t.lookup(name);
        return impl == null ? null : impl.__get__(this, t);
    }

    private static PyString checkedString(PyObject res, String name) {
        if (res instanceof PyString) {
            return (PyString) res;
        }
        throw Py.TypeError(name + " returned non-string (type " + res.getType().fastGetName() + ")");
    }

    @Override
    public PyString __repr__() {
        PyObject m = method("__repr__");
        return m == null ? super.__repr__() : checkedString(m.__call__(), "__repr__");
    }

    @Override
    public PyString __str__() {
        PyObject m = method("__str__");
        return m == null ? super.__str__() : checkedString(m.__call__(), "__str__");
    }

    @Override
    public String toString() {
        PyObject m = method("__repr__");
        return m == null ? super.toString() : checkedString(m.__call__(), "__repr__").toString();
    }

    @Override
    public PyUnicode __unicode__() {
        PyObject m = method("__unicode__");
        if (m == null) {
            return super.__unicode__();
        }
        PyObject res = m.__call__();
        if (res instanceof PyUnicode) {
            return (PyUnicode) res;
        }
        if (res instanceof PyString) {
            return new PyUnicode((PyString) res);
        }
        throw Py.TypeError("__unicode__ should return a unicode");
    }

    @Override
    public int hashCode() {
        PyObject m = method("__hash__");
        if (m != null) {
            PyObject res = m.__call__();
            if (res instanceof PyInteger) {
                return ((PyInteger) res).getValue();
            }
            if (res instanceof PyLong) {
                return ((PyLong) res).getValue().intValue();
            }
            throw Py.TypeError("__hash__ should return a int");
        }
        if (getType().lookup("__eq__") != null || getType().lookup("__cmp__") != null) {
            throw Py.TypeError(String.format("unhashable type: '%.200s'", getType().fastGetName()));
        }
        return super.hashCode();
    }

    private PyObject binary(String name, PyObject other) {
        PyObject m = method(name);
        if (m == null) {
            return null;
        }
        PyObject res = m.__call__(other);
        return res == Py.NotImplemented ? null : res;
    }

    @Override
    public PyObject __eq__(PyObject other) {
        PyObject m = method("__eq__");
        if (m == null) {
            return super.__eq__(other);
        }
        PyObject res = m.__call__(other);
        return res == Py.NotImplemented ? null : res;
    }

    @Override
    public PyObject __ne__(PyObject other) {
        PyObject m = method("__ne__");
        if (m == null) {
            return super.__ne__(other);
        }
        PyObject res = m.__call__(other);
        return res == Py.NotImplemented ? null : res;
    }

    @Override
    public PyObject __lt__(PyObject other) {
        return getType().lookup("__lt__") == null ? super.__lt__(other) : binary("__lt__", other);
    }

    @Override
    public PyObject __le__(PyObject other) {
        return getType().lookup("__le__") == null ? super.__le__(other) : binary("__le__", other);
    }

    @Override
    public PyObject __gt__(PyObject other) {
        return getType().lookup("__gt__") == null ? super.__gt__(other) : binary("__gt__", other);
    }

    @Override
    public PyObject __ge__(PyObject other) {
        return getType().lookup("__ge__") == null ? super.__ge__(other) : binary("__ge__", other);
    }

    @Override
    public int __cmp__(PyObject other) {
        PyObject[] where = new PyObject[1];
        PyObject impl = getType().lookup_where("__cmp__", where);
        if (impl == null || where[0] == PyObject.TYPE) {
            return super.__cmp__(other);
        }
        PyObject res = impl.__get__(this, getType()).__call__(other);
        if (res == Py.NotImplemented) {
            return -2;
        }
        int c = res.asInt();
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }

    @Override
    public boolean __nonzero__() {
        PyObject m = method("__nonzero__");
        if (m == null) {
            m = method("__len__");
            if (m == null) {
                return super.__nonzero__();
            }
        }
        PyObject res = m.__call__();
        Class<?> k = res.getClass();
        if (k != PyInteger.class && k != PyBoolean.class) {
            throw Py.TypeError(String.format("__nonzero__ should return bool or int, returned %s",
                    getType().getName()));
        }
        return res.__nonzero__();
    }

    @Override
    public int __len__() {
        PyObject m = method("__len__");
        return m == null ? super.__len__() : m.__call__().asInt();
    }

    @Override
    public boolean __contains__(PyObject o) {
        PyObject m = method("__contains__");
        return m == null ? super.__contains__(o) : m.__call__(o).__nonzero__();
    }

    @Override
    public PyObject __iter__() {
        PyObject m = method("__iter__");
        if (m != null) {
            return m.__call__();
        }
        if (getType().lookup("__getitem__") != null) {
            return new PySequenceIter(this);
        }
        return super.__iter__();
    }

    @Override
    public PyObject __iternext__() {
        PyObject m = method("next");
        if (m == null) {
            return super.__iternext__();
        }
        try {
            return m.__call__();
        } catch (PyException e) {
            if (e.match(Py.StopIteration)) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public PyObject __finditem__(PyObject key) {
        PyObject m = method("__getitem__");
        if (m == null) {
            return super.__finditem__(key);
        }
        try {
            return m.__call__(key);
        } catch (PyException e) {
            if (e.match(Py.LookupError)) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public PyObject __getitem__(PyObject key) {
        PyObject m = method("__getitem__");
        return m == null ? super.__getitem__(key) : m.__call__(key);
    }

    @Override
    public void __setitem__(PyObject key, PyObject value) {
        PyObject m = method("__setitem__");
        if (m == null) {
            super.__setitem__(key, value);
        } else {
            m.__call__(key, value);
        }
    }

    @Override
    public void __delitem__(PyObject key) {
        PyObject m = method("__delitem__");
        if (m == null) {
            super.__delitem__(key);
        } else {
            m.__call__(key);
        }
    }

    @Override
    public PyObject __call__(PyObject[] args, String[] keywords) {
        PyObject m = method("__call__");
        return m == null ? super.__call__(args, keywords) : m.__call__(args, keywords);
    }

    @Override
    public PyObject __findattr_ex__(String name) {
        return Deriveds.__findattr_ex__(this, name);
    }

    @Override
    public void __setattr__(String name, PyObject value) {
        PyObject m = method("__setattr__");
        if (m == null) {
            super.__setattr__(name, value);
        } else {
            m.__call__(PyString.fromInterned(name), value);
        }
    }

    @Override
    public void __delattr__(String name) {
        PyObject m = method("__delattr__");
        if (m == null) {
            super.__delattr__(name);
        } else {
            m.__call__(PyString.fromInterned(name));
        }
    }

    @Override
    public void dispatch__init__(PyObject[] args, String[] keywords) {
        Deriveds.dispatch__init__(this, args, keywords);
    }

    @Override
    public PyObject __format__(PyObject spec) {
        PyObject m = method("__format__");
        return m == null ? super.__format__(spec) : m.__call__(spec);
    }

    @Override
    public PyObject __reduce__() {
        PyObject m = method("__reduce__");
        return m == null ? super.__reduce__() : m.__call__();
    }

    @Override
    public PyObject __dir__() {
        PyObject m = method("__dir__");
        return m == null ? super.__dir__() : m.__call__();
    }
}
