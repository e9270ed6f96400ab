package org.sockbridge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads {@code libsockbridge.so}: the file named by the system property {@value #LIBRARY_PROPERTY}
 * if it is set (an absolute path, as {@code bin/sockbridge-jython} passes it, so the JVM's default
 * {@code java.library.path} stays intact for other native libraries such as Jython's
 * {@code libjffi}); else {@code System.loadLibrary("sockbridge")} (so {@code -Djava.library.path}
 * works); else the copy bundled in the jar under {@code /native/linux-x86_64/}, extracted to a
 * temporary file.
 */
public final class NativeLibrary {
    /** Where the jar carries the library. */
    static final String BUNDLED = "/native/linux-x86_64/libsockbridge.so";
    /** System property naming the library file by absolute path. */
    public static final String LIBRARY_PROPERTY = "sockbridge.library";
    private static final int ERRNO_TABLE = 160;
    private static final String[] STRERROR = new String[ERRNO_TABLE];
    private static volatile boolean loaded;

    private NativeLibrary() {}

    /** Loads the library once; later calls return at once. */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        String file = System.getProperty(LIBRARY_PROPERTY, "");
        if (!file.isEmpty()) {
            loadFile(file);
        } else {
            try {
                System.loadLibrary("sockbridge");
            } catch (UnsatisfiedLinkError notOnPath) {
                loadBundled(notOnPath);
            }
        }
        for (int i = 0; i < ERRNO_TABLE; i++) {
            STRERROR[i] = nStrerror(i);
        }
        loaded = true;
    }

    private static void loadFile(String file) {
        if (!new java.io.File(file).isAbsolute()) {
            throw new UnsatisfiedLinkError(LIBRARY_PROPERTY + " must be an absolute path: " + file);
        }
        System.load(file);
    }

    private static void loadBundled(UnsatisfiedLinkError cause) {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw cause;
            }
            Path tmp = Files.createTempFile("libsockbridge", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.toAbsolutePath().toString());
        } catch (IOException e) {
            UnsatisfiedLinkError err = new UnsatisfiedLinkError("cannot extract " + BUNDLED + ": " + e);
            err.initCause(e);
            throw err;
        }
    }

    /** The C library's text for {@code errno}, as CPython shows it. */
    public static String strerror(int errno) {
        load();
        if (errno >= 0 && errno < ERRNO_TABLE) {
            return STRERROR[errno];
        }
        return nStrerror(errno);
    }

    /** Makes native code panic inside its guard; for tests of the panic boundary only. */
    static int panicForTest() {
        load();
        return nPanicForTest();
    }

    private static native String nStrerror(int errno);

    private static native int nPanicForTest();
}
