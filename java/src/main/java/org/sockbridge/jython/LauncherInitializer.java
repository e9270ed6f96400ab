package org.sockbridge.jython;

import java.util.Properties;
import org.python.core.JythonInitializer;
import org.python.core.Py;
import org.python.core.PySystemState;
import org.python.core.adapter.ExtensiblePyObjectAdapter;

/**
 * Jython's initializer hook, used by {@link Main} only: initializes Jython exactly as it would
 * initialize itself (same properties, so {@code -Dpython.path} and {@code JYTHONPATH} keep their
 * meaning), then installs the plug-in into the new default {@code sys} and makes the main
 * thread's blocking socket calls interruptible by signals ({@link Signals}).
 */
public final class LauncherInitializer implements JythonInitializer {
    /** Jython instantiates this reflectively. */
    public LauncherInitializer() {}

    @Override
    public void initialize(Properties preProperties, Properties postProperties, String[] argv,
            ClassLoader classLoader, ExtensiblePyObjectAdapter adapter) {
        Thread current = Thread.currentThread();
        ClassLoader context = current.getContextClassLoader();
        if (context instanceof Main.InitializerLoader) {
            current.setContextClassLoader(((Main.InitializerLoader) context).original());
        }
        PySystemState.doInitialize(preProperties, postProperties, argv, classLoader, adapter);
        SockbridgeJython.install(Py.defaultSystemState);
        try {
            Signals.installForMainThread();
        } catch (org.sockbridge.SocketError e) {
            throw new IllegalStateException("sockbridge: cannot make the main thread interruptible: " + e, e);
        }
    }
}
