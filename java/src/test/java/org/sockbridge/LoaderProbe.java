package org.sockbridge;

import java.nio.file.Files;
import java.nio.file.Paths;

/** Run in a child JVM by {@link LoaderTest}: loads the library and prints which file is mapped. */
public final class LoaderProbe {
    private LoaderProbe() {}

    /** Prints "mapped PATH" for the loaded libsockbridge, or the load error. */
    public static void main(String[] args) throws Exception {
        try {
            NativeLibrary.load();
        } catch (UnsatisfiedLinkError e) {
            System.out.println("error " + e.getMessage());
            return;
        }
        System.out.println("strerror " + NativeLibrary.strerror(11));
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"))) {
            int at = line.indexOf('/');
            if (at >= 0 && line.contains("libsockbridge")) {
                System.out.println("mapped " + line.substring(at));
                return;
            }
        }
        System.out.println("mapped nothing");
    }
}
