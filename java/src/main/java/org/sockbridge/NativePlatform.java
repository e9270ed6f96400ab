package org.sockbridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The platform this JVM runs on, named the way the jar names its native libraries
 * ({@code META-INF/native/<os>-<arch>-<libc>/}): {@code linux-x86_64-gnu},
 * {@code linux-aarch64-musl}, ... The system property {@value #PROPERTY} replaces the detected
 * name (to test the unsupported-platform error, or to pick a build by hand).
 */
final class NativePlatform {
    /** System property naming the platform instead of detecting it. */
    static final String PROPERTY = "sockbridge.platform";

    final String os;
    final String arch;
    final String libc;
    /** What was found, for error messages: the JVM's own words. */
    final String found;

    private NativePlatform(String os, String arch, String libc, String found) {
        this.os = os;
        this.arch = arch;
        this.libc = libc;
        this.found = found;
    }

    /** {@code os-arch-libc}, e.g. {@code linux-x86_64-gnu}. */
    String classifier() {
        return os + "-" + arch + "-" + libc;
    }

    /** The platform named by {@value #PROPERTY}, else the detected one. */
    static NativePlatform current() {
        String forced = System.getProperty(PROPERTY, "").trim();
        if (!forced.isEmpty()) {
            String[] parts = forced.split("-", 3);
            if (parts.length == 3) {
                return new NativePlatform(parts[0], parts[1], parts[2], PROPERTY + "=" + forced);
            }
            return new NativePlatform(forced, "unknown", "unknown", PROPERTY + "=" + forced);
        }
        String osName = System.getProperty("os.name", "");
        String osArch = System.getProperty("os.arch", "");
        String os = normalizeOs(osName);
        String libc = os.equals("linux") ? linuxLibc() : "none";
        return new NativePlatform(os, normalizeArch(osArch), libc,
                "os.name=" + osName + ", os.arch=" + osArch + ", libc=" + libc);
    }

    static String normalizeOs(String osName) {
        String s = osName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (s.startsWith("linux")) {
            return "linux";
        }
        if (s.startsWith("mac") || s.startsWith("osx") || s.startsWith("darwin")) {
            return "osx";
        }
        if (s.startsWith("windows")) {
            return "windows";
        }
        if (s.startsWith("freebsd")) {
            return "freebsd";
        }
        return s.isEmpty() ? "unknown" : s;
    }

    /** The JVM's {@code os.arch} in the names Rust targets use (the jar's names). */
    static String normalizeArch(String osArch) {
        String s = osArch.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
        switch (s) {
            case "amd64":
            case "x8664":
            case "x86_64":
                return "x86_64";
            case "aarch64":
            case "arm64":
                return "aarch64";
            case "x86":
            case "i386":
            case "i486":
            case "i586":
            case "i686":
                return "x86";
            case "arm":
            case "arm32":
            case "armv7":
            case "armv7l":
                return "arm";
            case "ppc64le":
            case "powerpc64le":
                return "ppc64le";
            case "riscv64":
            case "s390x":
            case "loongarch64":
                return s;
            default:
                return s.isEmpty() ? "unknown" : s;
        }
    }

    /** {@code musl}, {@code gnu}, or null: the C library among the files of a {@code /proc/PID/maps}. */
    static String libcInMaps(java.util.List<String> lines) {
        for (String line : lines) {
            String name = line.substring(line.lastIndexOf('/') + 1);
            if (name.startsWith("ld-musl-") || name.startsWith("libc.musl-")) {
                return "musl";
            }
            if (name.equals("libc.so.6") || name.matches("libc-[0-9.]+\\.so")) {
                return "gnu";
            }
        }
        return null;
    }

    /**
     * {@code gnu} or {@code musl}: which C library this process has mapped (it is the one a
     * native library must link against), else which dynamic loader the system has.
     */
    static String linuxLibc() {
        try {
            String found = libcInMaps(Files.readAllLines(Paths.get("/proc/self/maps")));
            if (found != null) {
                return found;
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: look at the loaders below
        }
        for (String dir : new String[] {"/lib", "/lib64", "/usr/lib"}) {
            Path d = Paths.get(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                if (files.anyMatch(p -> p.getFileName().toString().startsWith("ld-musl-"))) {
                    return "musl";
                }
            } catch (IOException | RuntimeException e) {
                // unreadable: keep looking
            }
        }
        return Files.exists(Paths.get("/lib64/ld-linux-x86-64.so.2")) || Files.exists(Paths.get("/lib/ld-linux-aarch64.so.1"))
                || Files.exists(Paths.get("/etc/ld.so.cache")) ? "gnu" : "unknown";
    }
}
