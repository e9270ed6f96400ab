package org.sockbridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * How much the process's resident memory peaks during a call: resets the kernel's high-water mark
 * ({@code echo 5 > /proc/self/clear_refs}, Linux 4.0+) and reads {@code VmHWM} afterwards. Shows
 * whether native code copies a Java array (a copy touches every page; the Java array itself was
 * allocated and touched before the call).
 */
final class PeakMemory {
    private PeakMemory() {}

    /** Something to measure. */
    interface Call {
        void call() throws Exception;
    }

    /** Peak resident growth in bytes while {@code c} runs. */
    static long growthDuring(Call c) throws Exception {
        long before = statusKb("VmRSS:");
        Files.write(Paths.get("/proc/self/clear_refs"), "5".getBytes(StandardCharsets.US_ASCII));
        c.call();
        return (statusKb("VmHWM:") - before) * 1024;
    }

    private static long statusKb(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
            }
        }
        throw new IOException(key + " not in /proc/self/status");
    }

    /** True when the JVM runs with -Xcheck:jni (it then copies arrays it lends to native code). */
    static boolean checkedJni() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-Xcheck:jni");
    }
}
