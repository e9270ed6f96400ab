package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.Test;

/**
 * {@link Epoll#fromFd} (sharing a live instance, adopting a foreign fd, a number not open) and
 * the {@code Cleaner} that releases an epoll object nobody closed.
 */
public class EpollTest {
    private static final int EBADF = 9;
    private static final int EINVAL = 22;

    /** True while the kernel's epoll behind {@code epfd} watches {@code fd} (/proc fdinfo). */
    private static boolean watches(int epfd, int fd) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/fdinfo/" + epfd))) {
                if (line.startsWith("tfd:") && line.split("\\s+")[1].equals(Integer.toString(fd))) {
                    return true;
                }
            }
        } catch (IOException closed) {
            return false;
        }
        return false;
    }

    @Test
    public void fromFdSharesALiveInstanceAndClosesItForBoth() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        Epoll ep = new Epoll();
        Epoll ep2 = Epoll.fromFd(ep.fileno());
        try {
            assertEquals(ep.fileno(), ep2.fileno());
            ep2.register(p[0], EPOLLOUT);
            ep2.register(p[1], EPOLLOUT);
            assertEquals("registered through one, seen through the other", 2, ep.poll(1.0, 4).size());
            ep.modify(p[1], EPOLLIN);
            List<int[]> ready = ep2.poll(1.0, 4);
            assertEquals(1, ready.size());
            assertEquals(p[0].fileno(), ready.get(0)[0]);
            int epfd = ep.fileno();
            ep.close();
            assertTrue(ep.closed());
            assertFalse("the other object is not closed itself (CPython 2.7.18)", ep2.closed());
            assertEquals(EBADF, Net.expectError(() -> ep2.poll(0.0, 4)).errno());
            assertEquals(EBADF, Net.expectError(() -> ep2.register(p[1], EPOLLIN)).errno());
            assertTrue("the fd stays ours until the last object lets go", watches(epfd, p[0].fileno()));
            ep2.close();
            assertFalse("closed once, by the last one", watches(epfd, p[0].fileno()));
        } finally {
            ep.close();
            ep2.close();
            p[0].close();
            p[1].close();
        }
    }

    @Test
    public void fromFdAdoptsAForeignFd() throws Exception {
        NativeSocket s = Net.udp4();
        int fd = s.detach();
        Path link = Paths.get("/proc/self/fd/" + fd);
        String before = Files.readSymbolicLink(link).toString();
        assertTrue(before, before.startsWith("socket:"));
        Epoll x = Epoll.fromFd(fd);
        assertEquals(fd, x.fileno());
        assertEquals("not an epoll fd: the kernel's EINVAL", EINVAL, Net.expectError(() -> x.poll(1.0, 4)).errno());
        x.close();
        String after;
        try {
            after = Files.readSymbolicLink(link).toString();
        } catch (IOException gone) {
            after = "";
        }
        assertNotEquals("close() closed the adopted fd", before, after);
    }

    @Test
    public void fromFdOfANumberNotOpenFailsWithEbadfAndOwnsNothing() throws Exception {
        Epoll dead = Epoll.fromFd(Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE, dead.fileno());
        assertEquals(EBADF, Net.expectError(() -> dead.poll(0.0, 1)).errno());
        dead.close();
        Epoll fresh = Epoll.fromFd(-1);
        try {
            assertTrue("fromfd(-1) makes a new instance, as CPython 2.7's does", fresh.poll(0.0, 1).isEmpty());
        } finally {
            fresh.close();
        }
    }

    private static int[] abandonedEpollWatching(NativeSocket s) throws SocketError {
        Epoll ep = new Epoll();
        ep.register(s, EPOLLIN);
        return new int[] {ep.fileno(), s.fileno()};
    }

    @Test
    public void theCleanerReleasesAnEpollNobodyClosed() throws Exception {
        try (NativeSocket s = Net.udp4()) {
            int[] fds = abandonedEpollWatching(s);
            assertTrue(watches(fds[0], fds[1]));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (watches(fds[0], fds[1]) && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertFalse("an unreachable, unclosed epoll is closed by its Cleaner", watches(fds[0], fds[1]));
        }
    }

    private static WeakReference<Epoll> abandonedSharer(Epoll ep) throws SocketError {
        return new WeakReference<>(Epoll.fromFd(ep.fileno()));
    }

    @Test
    public void theCleanerOfASharerLeavesTheOtherOpen() throws Exception {
        Epoll ep = new Epoll();
        try (NativeSocket s = Net.udp4()) {
            ep.register(s, EPOLLOUT);
            WeakReference<Epoll> sharer = abandonedSharer(ep);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (sharer.get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertNull("the sharer was collected", sharer.get());
            Thread.sleep(300); // its Cleaner runs on the Cleaner's thread
            assertEquals("a collected sharer does not close the instance", 1, ep.poll(0.0, 4).size());
        } finally {
            ep.close();
        }
    }
}
