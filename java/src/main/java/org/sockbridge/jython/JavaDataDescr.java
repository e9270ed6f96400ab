package org.sockbridge.jython;

import org.python.core.PyDataDescr;

/**
 * A data descriptor of a Java builtin type (an attribute kept in a Java field): it says once
 * which of get/set/delete it implements, so each attribute only writes its own
 * {@code invokeGet} / {@code invokeSet} / {@code invokeDelete}. A settable attribute that refuses
 * writes (as {@code epoll.closed}) still says "settable", so that Jython calls its
 * {@code invokeSet} and CPython's message can be raised there.
 */
abstract class JavaDataDescr extends PyDataDescr {
    private final boolean settable;
    private final boolean deletable;

    JavaDataDescr(String name, Class<?> type, String doc, boolean settable, boolean deletable) {
        super(name, type, doc);
        this.settable = settable;
        this.deletable = deletable;
    }

    @Override
    public final boolean implementsDescrGet() {
        return true;
    }

    @Override
    public final boolean implementsDescrSet() {
        return settable;
    }

    @Override
    public final boolean implementsDescrDelete() {
        return deletable;
    }
}
