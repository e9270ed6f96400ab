package org.sockbridge;

import static org.junit.Assert.*;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Assume;
import org.junit.Test;

/**
 * How {@link NativeLibrary} finds libsockbridge.so, each case in a child JVM ({@link LoaderProbe}):
 * {@code -Dsockbridge.library=/abs/path} (the launcher's way), {@code -Djava.library.path}, and
 * the copy inside the jar ({@code META-INF/native/<os>-<arch>-<libc>/}) extracted to a private
 * per-version directory: reused when its SHA-256 matches, replaced when it does not, skipped for
 * the next directory when the first is on a {@code noexec} mount, safe with several JVMs at once;
 * and the one error for a platform the jar has no library for.
 */
public class LoaderTest {
    private static final String BUILT = System.getProperty("sockbridge.root") + "/target/release/libsockbridge.so";
    private static final String USER = System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_");

    @Test
    public void bundledLibraryLoadsWithoutLibraryPath() throws Exception {
        String jar = jar();
        Path tmp = tempDir("loader-demo");
        String java = System.getProperty("java.home") + "/bin/java";
        Process p = new ProcessBuilder(java, "-Djava.io.tmpdir=" + tmp, "-cp", jar, "org.sockbridge.demo.UdpTimeoutDemo")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, p.waitFor());
        assertTrue(out, out.contains("timeout mode recvfrom: hello from ('127.0.0.1', "));
        assertTrue(out, out.contains("settimeout(0) recvfrom: errno 11 Resource temporarily unavailable"));
    }

    private static String jar() {
        String jar = System.getProperty("sockbridge.jar");
        assertNotNull("the build passes sockbridge.jar", jar);
        assertTrue(jar, new File(jar).isFile());
        return jar;
    }

    /** Runs {@link LoaderProbe} in a child JVM with the given options; returns its output. */
    private static String probe(String... jvmOptions) throws Exception {
        return probeWith(System.getProperty("java.class.path"), jvmOptions);
    }

    /** The class path with the jar (main classes and the bundled library) and the probe only. */
    private static String jarClassPath() throws Exception {
        String testClasses = new File(LoaderProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getPath();
        return jar() + File.pathSeparator + testClasses;
    }

    private static Process start(String classPath, String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.addAll(Arrays.asList(jvmOptions));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("org.sockbridge.LoaderProbe");
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, p.waitFor());
        return out;
    }

    /** Same, with the given class path. */
    private static String probeWith(String classPath, String... jvmOptions) throws Exception {
        return finish(start(classPath, jvmOptions));
    }

    /** The jar's copy, no library on java.library.path, temp dir and home as given. */
    private static String probeBundled(Path tmpdir, Path home, String... more) throws Exception {
        List<String> opts = new ArrayList<>(Arrays.asList("-Djava.library.path=/nonexistent",
                "-Djava.io.tmpdir=" + tmpdir, "-Duser.home=" + home));
        opts.addAll(Arrays.asList(more));
        return probeWith(jarClassPath(), opts.toArray(new String[0]));
    }

    /** The one "source extracted|reused|replaced PATH" line's verb and path. */
    private static String[] loaded(String out) {
        Matcher m = Pattern.compile("(?m)^source (extracted|reused|replaced) (\\S+)$").matcher(out);
        assertTrue(out, m.find());
        String[] r = {m.group(1), m.group(2)};
        assertFalse("one source line: " + out, m.find());
        assertTrue(out, out.contains("strerror Resource temporarily unavailable"));
        assertTrue("the extracted file is the one mapped: " + out, out.contains("mapped " + r[1] + "\n"));
        return r;
    }

    private static String platform(String out) {
        Matcher m = Pattern.compile("(?m)^platform (\\S+)$").matcher(out);
        assertTrue(out, m.find());
        return m.group(1);
    }

    /** {@code base/.../<version>-<platform>-<12 hex>/libsockbridge.so}. */
    private static void assertLeaf(String path, Path base, String platform) {
        String re = Pattern.quote(base.toString()) + "/[^/]+-" + Pattern.quote(platform) + "-[0-9a-f]{12}/libsockbridge\\.so";
        assertTrue(path + " should match " + re, path.matches(re));
    }

    @Test
    public void libraryPropertyLoadsThatFile() throws Exception {
        String built = new File(BUILT).getCanonicalPath();
        String out = probe("-Dsockbridge.library=" + built);
        assertTrue(out, out.contains("strerror Resource temporarily unavailable"));
        assertTrue(out, out.contains("mapped " + built + "\n"));
        assertTrue(out, out.contains("source property " + built + "\n"));
    }

    @Test
    public void libraryPropertyMustBeAbsolute() throws Exception {
        String out = probe("-Dsockbridge.library=target/release/libsockbridge.so");
        assertTrue(out, out.contains("error sockbridge.library must be an absolute path: target/release/libsockbridge.so"));
    }

    @Test
    public void javaLibraryPathStillWorks() throws Exception {
        String dir = new File(BUILT).getParentFile().getCanonicalPath();
        String out = probe("-Djava.library.path=" + dir);
        assertTrue(out, out.contains("mapped " + dir + "/libsockbridge.so\n"));
        assertTrue(out, out.contains("source java.library.path\n"));
    }

    @Test
    public void thisMachineIsDetectedAsLinuxGlibc() throws Exception {
        String out = probe();
        String arch = NativePlatform.normalizeArch(System.getProperty("os.arch"));
        assertEquals(out, "linux-" + arch + "-gnu", platform(out));
    }

    @Test
    public void architectureNamesFollowRustTargets() {
        assertEquals("x86_64", NativePlatform.normalizeArch("amd64"));
        assertEquals("x86_64", NativePlatform.normalizeArch("x86_64"));
        assertEquals("aarch64", NativePlatform.normalizeArch("aarch64"));
        assertEquals("x86", NativePlatform.normalizeArch("i386"));
        assertEquals("arm", NativePlatform.normalizeArch("arm"));
        assertEquals("ppc64le", NativePlatform.normalizeArch("ppc64le"));
        assertEquals("linux", NativePlatform.normalizeOs("Linux"));
        assertEquals("osx", NativePlatform.normalizeOs("Mac OS X"));
    }

    /**
     * JPMS: the jar is the automatic module {@code org.sockbridge} (its manifest's
     * Automatic-Module-Name), and a named module that requires it loads the library from the
     * jar on the module path.
     */
    @Test
    public void aNamedModuleRequiresOrgSockbridge() throws Exception {
        Path dir = tempDir("loader-module");
        Path src = Files.createDirectories(dir.resolve("src/app"));
        Files.write(dir.resolve("src/module-info.java"), bytes("module app { requires org.sockbridge; }\n"));
        Files.write(src.resolve("Main.java"), bytes("package app;\n"
                + "import org.sockbridge.*;\n"
                + "public class Main {\n"
                + "  public static void main(String[] a) throws Exception {\n"
                + "    try (NativeSocket s = NativeSocket.create(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM)) {\n"
                + "      s.bind(SockAddr.inet(\"127.0.0.1\", 0));\n"
                + "      System.out.println(\"module \" + NativeSocket.class.getModule().getName() + \" bound \" + s.getSockName());\n"
                + "      System.out.println(\"source \" + NativeLibrary.source());\n"
                + "    }\n"
                + "  }\n"
                + "}\n"));
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream diag = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, diag, diag, "-d", dir.resolve("out").toString(), "--module-path", jar(),
                dir.resolve("src/module-info.java").toString(), src.resolve("Main.java").toString());
        assertEquals(diag.toString(), 0, rc);
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java",
                "-Djava.io.tmpdir=" + dir, "--module-path", jar() + File.pathSeparator + dir.resolve("out"),
                "-m", "app/app.Main").redirectErrorStream(true).start();
        String out = finish(p);
        assertTrue(out, out.startsWith("module org.sockbridge bound ('127.0.0.1', "));
        assertTrue(out, out.contains("source extracted " + dir + "/sockbridge-" + USER + "/"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** musl or glibc, from the mappings of a JVM on Alpine and on Debian (lines as the kernel writes them). */
    @Test
    public void libcIsReadFromTheProcessMappings() {
        assertEquals("musl", NativePlatform.libcInMaps(Arrays.asList(
                "7f1c2a000000-7f1c2a001000 r--p 00000000 08:01 1234 /usr/lib/jvm/java-17-openjdk/lib/server/libjvm.so",
                "7f1c2b000000-7f1c2b014000 r--p 00000000 08:01 5678 /lib/ld-musl-x86_64.so.1")));
        assertEquals("gnu", NativePlatform.libcInMaps(Arrays.asList(
                "7f1c2a000000-7f1c2a001000 r--p 00000000 08:01 1234 /home/musl/app/libjvm.so",
                "7f3d4c000000-7f3d4c028000 r--p 00000000 08:01 99 /usr/lib/x86_64-linux-gnu/libc.so.6")));
        assertEquals("gnu", NativePlatform.libcInMaps(Arrays.asList(
                "7f3d4c000000-7f3d4c028000 r-xp 00000000 08:01 99 /lib/x86_64-linux-gnu/libc-2.31.so")));
        assertNull(NativePlatform.libcInMaps(Arrays.asList("00400000-00401000 r-xp 00000000 08:01 1 /usr/bin/java")));
    }

    @Test
    public void bundledCopyIsExtractedToAPrivateDirectoryThenReused() throws Exception {
        Path tmp = tempDir("loader-tmp");
        Path home = tempDir("loader-home");
        String first = probeBundled(tmp, home);
        String[] a = loaded(first);
        assertEquals(first, "extracted", a[0]);
        assertLeaf(a[1], tmp.resolve("sockbridge-" + USER), platform(first));
        Path dir = new File(a[1]).toPath().getParent();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.getParent())));
        String second = probeBundled(tmp, home);
        String[] b = loaded(second);
        assertEquals(second, "reused", b[0]);
        assertEquals(a[1], b[1]);
        assertEquals("no temporary files left: " + list(dir), Arrays.asList(".lock", "libsockbridge.so"), list(dir));
    }

    @Test
    public void aCorruptedExtractedFileIsReplaced() throws Exception {
        Path tmp = tempDir("loader-tmp");
        Path home = tempDir("loader-home");
        String[] a = loaded(probeBundled(tmp, home));
        File lib = new File(a[1]);
        long size = lib.length();
        // Same size, a few bytes changed in the middle: only the digest can tell.
        try (RandomAccessFile f = new RandomAccessFile(lib, "rw")) {
            f.seek(size / 2);
            f.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
        String out = probeBundled(tmp, home);
        String[] b = loaded(out);
        assertEquals(out, "replaced", b[0]);
        assertEquals(a[1], b[1]);
        assertEquals(size, lib.length());
        // And a truncated one.
        try (RandomAccessFile f = new RandomAccessFile(lib, "rw")) {
            f.setLength(4096);
        }
        out = probeBundled(tmp, home);
        assertEquals(out, "replaced", loaded(out)[0]);
        assertEquals(size, lib.length());
        assertEquals(out, "reused", loaded(probeBundled(tmp, home))[0]);
    }

    @Test
    public void severalJvmsExtractAtOnce() throws Exception {
        Path tmp = tempDir("loader-tmp");
        Path home = tempDir("loader-home");
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ps.add(start(jarClassPath(), "-Djava.library.path=/nonexistent", "-Djava.io.tmpdir=" + tmp,
                    "-Duser.home=" + home));
        }
        List<String[]> results = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (Process p : ps) {
            String out = finish(p);
            all.append(out).append("----\n");
            results.add(loaded(out));
        }
        long extracted = results.stream().filter(r -> r[0].equals("extracted")).count();
        long reused = results.stream().filter(r -> r[0].equals("reused")).count();
        assertEquals(all.toString(), 1, extracted);
        assertEquals(all.toString(), 3, reused);
        assertEquals(all.toString(), 1, results.stream().map(r -> r[1]).distinct().count());
        Path dir = new File(results.get(0)[1]).toPath().getParent();
        assertEquals(Arrays.asList(".lock", "libsockbridge.so"), list(dir));
    }

    @Test
    public void unsupportedPlatformGivesOneClearError() throws Exception {
        Path tmp = tempDir("loader-tmp");
        String out = probeBundled(tmp, tmp, "-Dsockbridge.platform=linux-aarch64-musl");
        assertTrue(out, out.contains("platform linux-aarch64-musl\n"));
        assertTrue(out, out.contains("error sockbridge: no native library for this platform. Found linux-aarch64-musl "
                + "(sockbridge.platform=linux-aarch64-musl); supported by this jar: linux-"));
        String arch = NativePlatform.normalizeArch(System.getProperty("os.arch"));
        assertTrue(out, out.contains("supported by this jar: linux-" + arch + "-gnu."));
        assertTrue(out, out.contains("System.loadLibrary(\"sockbridge\") did not find one either (no sockbridge in "
                + "java.library.path"));
        assertTrue(out, out.contains("To build it from source: install Rust (https://rustup.rs) and a C compiler, run "
                + "`cargo build --release --lib` in a sockbridge checkout, then start Java with "
                + "-Dsockbridge.library=/absolute/path/to/target/release/libsockbridge.so"));
        assertFalse("nothing extracted", Files.exists(tmp.resolve("sockbridge-" + USER)));
        out = probeBundled(tmp, tmp, "-Dsockbridge.platform=windows-x86_64-msvc");
        assertTrue(out, out.contains("Found windows-x86_64-msvc "));
    }

    @Test
    public void withoutABundleTheErrorSaysSo() throws Exception {
        // The classes directory, not the jar: no META-INF/native index on the class path.
        String out = probeWith(System.getProperty("java.class.path"), "-Djava.library.path=/nonexistent");
        assertTrue(out, out.contains("error sockbridge: no native library for this platform. Found linux-"));
        assertTrue(out, out.contains("supported by this jar: none: this class path carries no bundled library "
                + "(META-INF/native/sockbridge-native.properties is missing)"));
    }

    /**
     * A {@code noexec} temp directory (a tmpfs mounted {@code noexec}, as on hardened hosts):
     * {@code System.load} fails there, and the loader goes on to the next directory — from
     * {@code sockbridge.native.dir} to {@code java.io.tmpdir}, and from there to
     * {@code ~/.cache/sockbridge}.
     */
    @Test
    public void aNoexecDirectoryFallsBackToTheNextOne() throws Exception {
        Path mnt = tempDir("loader-noexec");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "noexec,size=64m", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean mounted = mount.waitFor() == 0;
        Assume.assumeTrue("cannot mount a noexec tmpfs here (needs root / CAP_SYS_ADMIN): " + why, mounted);
        try {
            Path tmp = tempDir("loader-tmp");
            Path home = tempDir("loader-home");
            // java.io.tmpdir is noexec: the cache under user.home is used.
            String out = probeBundled(mnt, home);
            String[] r = loaded(out);
            assertEquals(out, "extracted", r[0]);
            assertLeaf(r[1], home.resolve(".cache/sockbridge"), platform(out));
            Matcher skipped = Pattern.compile("(?m)^source skipped " + Pattern.quote(mnt.toString()) + "/sockbridge-"
                    + Pattern.quote(USER) + "/\\S+: (.*)$").matcher(out);
            assertTrue(out, skipped.find());
            assertTrue(out, skipped.group(1).contains("failed to map segment")
                    || skipped.group(1).contains("Operation not permitted"));
            // sockbridge.native.dir is noexec: java.io.tmpdir is used.
            out = probeBundled(tmp, home, "-Dsockbridge.native.dir=" + mnt);
            r = loaded(out);
            assertEquals(out, "extracted", r[0]);
            assertLeaf(r[1], tmp.resolve("sockbridge-" + USER), platform(out));
            assertTrue(out, out.contains("source skipped " + mnt + "/"));
            // An exec sockbridge.native.dir is used first.
            Path own = tempDir("loader-own");
            out = probeBundled(mnt, home, "-Dsockbridge.native.dir=" + own);
            r = loaded(out);
            assertLeaf(r[1], own, platform(out));
            assertFalse(out, out.contains("source skipped"));
        } finally {
            new ProcessBuilder("umount", mnt.toString()).inheritIO().start().waitFor();
        }
    }

    private final List<Path> temps = new ArrayList<>();

    /** A fresh directory, deleted after the test. */
    private Path tempDir(String prefix) throws IOException {
        Path p = Files.createTempDirectory(prefix);
        temps.add(p);
        return p;
    }

    @After
    public void deleteTemps() throws IOException {
        for (Path t : temps) {
            try (Stream<Path> s = Files.walk(t)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
