package org.sockbridge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The native libraries a jar carries, Netty-style: {@code META-INF/native/<os>-<arch>-<libc>/libsockbridge.so},
 * described by {@value #INDEX} (written at build time: the version, the platforms, and each
 * file's SHA-256). {@link #extractAndLoad} copies one to a private per-version directory and
 * loads it, trying the directories of {@link #candidates} in turn (a {@code noexec} mount makes
 * {@code System.load} fail: the next directory is tried).
 *
 * <p>Several JVMs may extract at once: each takes a file lock on the directory's {@code .lock},
 * writes to a temporary name, checks the digest and renames atomically; a file already there is
 * used only if its digest matches, else it is replaced.
 */
final class NativeBundle {
    /** The index resource. */
    static final String INDEX = "META-INF/native/sockbridge-native.properties";
    /** System property: the first directory to extract into. */
    static final String DIR_PROPERTY = "sockbridge.native.dir";
    static final String FILE = "libsockbridge.so";

    final String version;
    final List<String> platforms;
    private final Properties index;

    private NativeBundle(Properties index) {
        this.index = index;
        this.version = index.getProperty("version", "unknown");
        this.platforms = Arrays.asList(index.getProperty("platforms", "").trim().split("\\s*,\\s*"));
    }

    /** The bundle on this class's class path, or null if the jar carries none. */
    static NativeBundle find() throws IOException {
        try (InputStream in = NativeBundle.class.getClassLoader().getResourceAsStream(INDEX)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return new NativeBundle(p);
        }
    }

    boolean supports(String classifier) {
        return platforms.contains(classifier) && index.getProperty(classifier + ".sha256") != null;
    }

    String resource(String classifier) {
        return "META-INF/native/" + classifier + "/" + FILE;
    }

    /**
     * The directories to try, each a private per-version directory under: the
     * {@value #DIR_PROPERTY} property, {@code java.io.tmpdir}, a cache under {@code user.home}.
     */
    List<Path> candidates(String classifier) {
        String sha = index.getProperty(classifier + ".sha256");
        String leaf = version + "-" + classifier + "-" + sha.substring(0, 12);
        List<Path> out = new ArrayList<>();
        String dir = System.getProperty(DIR_PROPERTY, "");
        if (!dir.isEmpty()) {
            out.add(Paths.get(dir).toAbsolutePath().normalize().resolve(leaf));
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        String tmp = System.getProperty("java.io.tmpdir", "");
        if (!tmp.isEmpty()) {
            out.add(Paths.get(tmp).toAbsolutePath().normalize().resolve("sockbridge-" + user).resolve(leaf));
        }
        String home = System.getProperty("user.home", "");
        if (!home.isEmpty() && !home.equals("?")) {
            out.add(Paths.get(home).toAbsolutePath().normalize().resolve(".cache").resolve("sockbridge").resolve(leaf));
        }
        return out;
    }

    /**
     * Extracts the library for {@code classifier} into the first candidate directory where it
     * loads; returns how ({@code "extracted PATH"}, {@code "reused PATH"} or {@code "replaced
     * PATH"}, after lines naming the directories that failed). Throws naming every failure.
     */
    String extractAndLoad(String classifier) {
        String expected = index.getProperty(classifier + ".sha256");
        StringBuilder failures = new StringBuilder();
        for (Path dir : candidates(classifier)) {
            try {
                String how = extractInto(dir, classifier, expected);
                return failures + how;
            } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
                failures.append("skipped ").append(dir).append(": ").append(e.getMessage()).append('\n');
            }
        }
        throw new UnsatisfiedLinkError("sockbridge: could not extract and load " + resource(classifier)
                + " anywhere:\n" + failures
                + "Set -D" + DIR_PROPERTY + "=<a private directory on a filesystem mounted without noexec>, "
                + "or install libsockbridge.so on java.library.path.");
    }

    private String extractInto(Path dir, String classifier, String expected) throws IOException {
        makePrivateDirectory(dir);
        Path lib = dir.resolve(FILE);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = lock(lockFile);
            try {
                String how;
                if (Files.isRegularFile(lib, LinkOption.NOFOLLOW_LINKS) && expected.equals(sha256(lib))) {
                    how = "reused ";
                } else {
                    boolean existed = Files.exists(lib, LinkOption.NOFOLLOW_LINKS);
                    writeVerified(dir, lib, classifier, expected);
                    how = existed ? "replaced " : "extracted ";
                }
                System.load(lib.toString());
                return how + lib;
            } finally {
                lock.release();
            }
        }
    }

    /** Copies the resource to a temporary name, checks its digest, renames it over {@code lib}. */
    private void writeVerified(Path dir, Path lib, String classifier, String expected) throws IOException {
        Path tmp = Files.createTempFile(dir, FILE + ".", ".tmp");
        try {
            try (InputStream in = NativeBundle.class.getClassLoader().getResourceAsStream(resource(classifier))) {
                if (in == null) {
                    throw new IOException("the jar's index lists " + classifier + " but " + resource(classifier)
                            + " is missing");
                }
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            String got = sha256(tmp);
            if (!expected.equals(got)) {
                throw new IOException(resource(classifier) + " in the jar has SHA-256 " + got + ", its index says "
                        + expected + " (a damaged jar)");
            }
            setPermissions(tmp, "rwx------");
            try {
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Blocks until this process holds the lock (other JVMs, and other class loaders here). */
    private static FileLock lock(FileChannel ch) throws IOException {
        while (true) {
            try {
                return ch.lock();
            } catch (OverlappingFileLockException sameJvm) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the extraction lock", e);
                }
            }
        }
    }

    /**
     * Creates {@code dir} (mode 0700) and its missing parents; refuses a directory another user
     * owns or others may write to (in a shared {@code /tmp}, someone could plant a library there).
     */
    private static void makePrivateDirectory(Path dir) throws IOException {
        Path parent = dir.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            makePrivateDirectory(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // checked below
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        checkPrivate(dir);
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().startsWith("sockbridge-")) {
            checkPrivate(parent); // ours in a shared temp directory
        }
    }

    /** Our own directories must be owned by us and closed to others. */
    private static void checkPrivate(Path dir) throws IOException {
        try {
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            String me = System.getProperty("user.name", "");
            if (!owner.equals(me)) {
                throw new IOException(dir + " belongs to " + owner + ", not " + me);
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException(dir + " is writable by others (" + PosixFilePermissions.toString(perms) + ")");
            }
        } catch (UnsupportedOperationException e) {
            // no POSIX owners here: nothing to check
        }
    }

    private static void setPermissions(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException e) {
            // no POSIX permissions here
        }
    }

    /** The file's SHA-256, lower-case hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no SHA-256 in this JVM", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        StringBuilder hex = new StringBuilder(64);
        for (byte b : md.digest()) {
            hex.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        }
        return hex.toString();
    }
}
