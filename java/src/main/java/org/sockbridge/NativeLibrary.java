package org.sockbridge;

import java.io.IOException;

/**
 * Loads {@code libsockbridge.so}, in this order:
 * <ol>
 *   <li>the file named by the system property {@value #LIBRARY_PROPERTY}, an absolute path (the
 *       launcher's way: the JVM's default {@code java.library.path} stays intact for other native
 *       libraries such as Jython's {@code libjffi});
 *   <li>{@code System.loadLibrary("sockbridge")}, so {@code -Djava.library.path} and libraries
 *       installed by the system work;
 *   <li>the copy the jar carries for this platform, under
 *       {@code META-INF/native/<os>-<arch>-<libc>/libsockbridge.so} (e.g. {@code linux-x86_64-gnu}; the
 *       C library is detected, glibc {@code gnu} or {@code musl}), extracted to a private
 *       per-version directory under the {@value NativeBundle#DIR_PROPERTY} property's directory,
 *       else {@code java.io.tmpdir}, else {@code ~/.cache/sockbridge} (the next one when a
 *       directory is on a {@code noexec} mount), verified against the SHA-256 recorded in the jar
 *       at build time, safely when several JVMs extract at once. See {@link NativeBundle}.
 * </ol>
 * On a platform the jar has no library for, the error names what was found, what the jar
 * supports, and how to build the library from source.
 */
public final class NativeLibrary {
    /** System property naming the library file by absolute path. */
    public static final String LIBRARY_PROPERTY = "sockbridge.library";
    /** System property: the first directory to extract the bundled library into. */
    public static final String NATIVE_DIR_PROPERTY = NativeBundle.DIR_PROPERTY;
    /** System property naming the platform ({@code os-arch-libc}) instead of detecting it. */
    public static final String PLATFORM_PROPERTY = NativePlatform.PROPERTY;
    private static final int ERRNO_TABLE = 160;
    private static final String[] STRERROR = new String[ERRNO_TABLE];
    private static volatile boolean loaded;
    private static volatile String source = "not loaded";

    private NativeLibrary() {}

    /** Loads the library once; later calls return at once. */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        String file = System.getProperty(LIBRARY_PROPERTY, "");
        if (!file.isEmpty()) {
            loadFile(file);
            source = "property " + file;
        } else {
            try {
                System.loadLibrary("sockbridge");
                source = "java.library.path";
            } catch (UnsatisfiedLinkError notOnPath) {
                source = loadBundled(notOnPath);
            }
        }
        for (int i = 0; i < ERRNO_TABLE; i++) {
            STRERROR[i] = nStrerror(i);
        }
        loaded = true;
    }

    /**
     * How the library was found: {@code "property PATH"}, {@code "java.library.path"}, or
     * {@code "extracted PATH"} / {@code "reused PATH"} / {@code "replaced PATH"} (after a
     * {@code "skipped DIR: why"} line for each extraction directory that did not work).
     */
    public static String source() {
        return source;
    }

    private static void loadFile(String file) {
        if (!new java.io.File(file).isAbsolute()) {
            throw new UnsatisfiedLinkError(LIBRARY_PROPERTY + " must be an absolute path: " + file);
        }
        System.load(file);
    }

    private static String loadBundled(UnsatisfiedLinkError notOnPath) {
        NativePlatform platform = NativePlatform.current();
        NativeBundle bundle;
        try {
            bundle = NativeBundle.find();
        } catch (IOException e) {
            UnsatisfiedLinkError err = new UnsatisfiedLinkError("sockbridge: cannot read " + NativeBundle.INDEX + ": " + e);
            err.initCause(e);
            throw err;
        }
        String classifier = platform.classifier();
        if (bundle == null || !bundle.supports(classifier)) {
            UnsatisfiedLinkError err = new UnsatisfiedLinkError(unsupported(platform, bundle, notOnPath));
            err.initCause(notOnPath);
            throw err;
        }
        return bundle.extractAndLoad(classifier);
    }

    /** The one message for "no library for this machine". */
    static String unsupported(NativePlatform platform, NativeBundle bundle, UnsatisfiedLinkError notOnPath) {
        String supported = bundle == null
                ? "none: this class path carries no bundled library (" + NativeBundle.INDEX + " is missing)"
                : String.join(", ", bundle.platforms);
        return "sockbridge: no native library for this platform. Found " + platform.classifier() + " ("
                + platform.found + "); supported by this jar: " + supported
                + ". System.loadLibrary(\"sockbridge\") did not find one either (" + notOnPath.getMessage() + "). "
                + "To build it from source: install Rust (https://rustup.rs) and a C compiler, run "
                + "`cargo build --release --lib` in a sockbridge checkout, then start Java with "
                + "-D" + LIBRARY_PROPERTY + "=/absolute/path/to/target/release/libsockbridge.so "
                + "(or -Djava.library.path=<that directory>).";
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
