package org.sockbridge.jython;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of {@code bin/sockbridge-jython}: runs {@code org.python.util.jython} with its own
 * command line, untouched, and activates the plug-in the moment Jython's {@code sys} exists.
 *
 * <p>Jython reads {@code -Dpython.path}, {@code JYTHONPATH}, {@code -E} and every other option
 * itself, exactly as under {@code /usr/bin/jython}; nothing here parses them. The hook is Jython's
 * own: {@code PySystemState.initialize} asks the context class loader for
 * {@code META-INF/services/org.python.core.JythonInitializer}. For the launcher's main thread
 * only, that resource names {@link LauncherInitializer}, which lets Jython initialize as usual and
 * then calls {@link SockbridgeJython#install(org.python.core.PySystemState)}: the plug-in's entry
 * goes first on {@code sys.path}, the user's entries follow. The jar itself carries no such
 * service file, so embedding programs see no change unless they call {@code install}.
 */
public final class Main {
    /** The service resource Jython looks up while it initializes. */
    static final String INITIALIZER_SERVICE = "META-INF/services/org.python.core.JythonInitializer";

    private Main() {}

    /**
     * Runs Jython's command-line interpreter with the plug-in active.
     *
     * @param args Jython's arguments, as {@code jython} takes them
     */
    public static void main(String[] args) {
        Thread main = Thread.currentThread();
        ClassLoader app = main.getContextClassLoader();
        if (app == null) {
            app = Main.class.getClassLoader();
        }
        main.setContextClassLoader(new InitializerLoader(app));
        org.python.util.jython.main(args);
    }

    /** Serves the initializer service entry; everything else comes from the parent. */
    static final class InitializerLoader extends ClassLoader {
        InitializerLoader(ClassLoader parent) {
            super(parent);
        }

        ClassLoader original() {
            return getParent();
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            if (INITIALIZER_SERVICE.equals(name)) {
                byte[] line = (LauncherInitializer.class.getName() + "\n").getBytes(StandardCharsets.UTF_8);
                return new ByteArrayInputStream(line);
            }
            return super.getResourceAsStream(name);
        }
    }
}
