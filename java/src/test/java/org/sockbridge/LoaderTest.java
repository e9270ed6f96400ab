package org.sockbridge;

import static org.junit.Assert.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

/**
 * The jar carries libsockbridge.so: a JVM without {@code -Djava.library.path} still runs the
 * demo, loading the bundled copy.
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
}
