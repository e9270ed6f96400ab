package org.sockbridge;

import static org.junit.Assert.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/**
 * The jar carries libsockbridge.so: a JVM without {@code -Djava.library.path} still runs the
 * demo, loading the bundled copy. {@code -Dsockbridge.library=/abs/path} names the file (the
 * launcher's way, leaving the JVM's default library path alone); {@code -Djava.library.path}
 * still works for Java users.
 */
public class LoaderTest {
    @Test
    public void bundledLibraryLoadsWithoutLibraryPath() throws Exception {
        String jar = System.getProperty("sockbridge.jar");
        assertNotNull("the build passes sockbridge.jar", jar);
        assertTrue(jar, new File(jar).isFile());
        String java = System.getProperty("java.home") + "/bin/java";
        Process p = new ProcessBuilder(java, "-cp", jar, "org.sockbridge.demo.UdpTimeoutDemo")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, p.waitFor());
        assertTrue(out, out.contains("timeout mode recvfrom: hello from ('127.0.0.1', "));
        assertTrue(out, out.contains("settimeout(0) recvfrom: errno 11 Resource temporarily unavailable"));
    }

    private static final String BUILT = System.getProperty("sockbridge.root") + "/target/release/libsockbridge.so";

    /** Runs {@link LoaderProbe} in a child JVM with the given options; returns its output. */
    private static String probe(String... jvmOptions) throws Exception {
        return probeWith(System.getProperty("java.class.path"), jvmOptions);
    }

    /** Same, with the given class path. */
    private static String probeWith(String classPath, String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.addAll(Arrays.asList(jvmOptions));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("org.sockbridge.LoaderProbe");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, p.waitFor());
        return out;
    }

    @Test
    public void libraryPropertyLoadsThatFile() throws Exception {
        String built = new File(BUILT).getCanonicalPath();
        String out = probe("-Dsockbridge.library=" + built);
        assertTrue(out, out.contains("strerror Resource temporarily unavailable"));
        assertTrue(out, out.contains("mapped " + built + "\n"));
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
    }

    @Test
    public void withoutEitherTheBundledCopyLoads() throws Exception {
        String testClasses = new File(LoaderProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getPath();
        String out = probeWith(System.getProperty("sockbridge.jar") + File.pathSeparator + testClasses,
                "-Djava.library.path=/nonexistent");
        assertTrue(out, out.contains("strerror Resource temporarily unavailable"));
        assertTrue(out, out.matches("(?s).*mapped /tmp/libsockbridge[^/]*\\.so\n.*"));
    }
}
