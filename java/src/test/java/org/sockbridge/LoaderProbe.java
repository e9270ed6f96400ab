package org.sockbridge;

import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * Run in a child JVM by {@link LoaderTest}: loads the library and prints the detected platform,
 * how the library was found ({@link NativeLibrary#source()}), and which file is mapped.
 */
public final class LoaderProbe {
    private LoaderProbe() {}

    /** Prints "platform ...", "source ..." lines, "strerror ..." and "mapped PATH", or the load error. */
    public static void main(String[] args) throws Exception {
        System.out.println("platform " + NativePlatform.current().classifier());
        try {
            NativeLibrary.load();
        } catch (UnsatisfiedLinkError e) {
            System.out.println("error " + e.getMessage());
            return;
        }
        for (String line : NativeLibrary.source().split("\n")) {
            System.out.println("source " + line);
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
