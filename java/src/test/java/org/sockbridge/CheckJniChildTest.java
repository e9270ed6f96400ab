package org.sockbridge;

import static org.junit.Assert.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * The native library under {@code -Xcheck:jni} in a child JVM, so that a JNI abort fails one test
 * instead of killing the suite: no JNI warning (type checks, pending exceptions, local-reference
 * capacity), no abort. And a native panic becomes a Java {@code Error} even when the process's
 * stderr is a broken pipe (the panic report must not panic in turn, which aborts the process).
 */
public class CheckJniChildTest {
    private static final String[] JNI_COMPLAINTS = {
        "WARNING in native method", "FATAL ERROR in native method", "WARNING: JNI local refs", "A fatal error has been detected",
    };

    private static ProcessBuilder probe(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                System.getProperty("java.home") + "/bin/java", "-Xcheck:jni", "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/sockbridge-checkjni-hs_err_%p.log",
                "-Djava.library.path=" + System.getProperty("java.library.path"),
                "-cp", System.getProperty("java.class.path"), CheckJniProbe.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private static String run(Process p, java.io.InputStream out) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        out.transferTo(buf);
        assertTrue("probe JVM hung", p.waitFor(120, TimeUnit.SECONDS));
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test(timeout = 180_000)
    public void noJniWarningOrAbort() throws Exception {
        Process p = probe().redirectErrorStream(true).start();
        String out = run(p, p.getInputStream());
        for (String bad : JNI_COMPLAINTS) {
            assertFalse("the JVM complained:\n" + out, out.contains(bad));
        }
        assertEquals("exit status; output:\n" + out, 0, p.exitValue());
        assertTrue(out, out.contains("nFdOf refused java.lang.Object"));
        assertTrue(out, out.contains("probe done"));
    }

    @Test(timeout = 180_000)
    public void aPanicWithABrokenStderrIsStillAJavaError() throws Exception {
        Process p = probe("panic").start();
        p.getErrorStream().close(); // stderr: a pipe nobody reads (EPIPE)
        String out = run(p, p.getInputStream());
        assertEquals("exit status; output:\n" + out, 0, p.exitValue());
        assertTrue(out, out.contains("panic became java.lang.Error"));
    }
}
