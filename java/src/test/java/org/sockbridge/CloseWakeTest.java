package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * close() (and detach()) from another thread ends a call that is really blocked in the kernel,
 * promptly, with EBADF. Each test first proves the call sits in {@code poll(2)} (or
 * {@code epoll_wait(2)}) by reading the thread's {@code /proc/self/task/<tid>/syscall}, so a
 * close that wins the race cannot make it pass, and fails if the call returned before the
 * close or with anything but EBADF.
 */
public class CloseWakeTest {
    /** A call running on its own thread, watched through /proc. */
    static final class Blocked<T> {
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch done = new CountDownLatch(1);
        private final Thread thread;
        private volatile int tid;
        private volatile T value;
        private volatile Throwable failure;
        private volatile long returnedAt;
        private volatile long closedAt = Long.MAX_VALUE;

        private Blocked(Callable<T> call) {
            thread = new Thread(() -> {
                try {
                    // "<pid>/task/<tid>"
                    Path self = Files.readSymbolicLink(Paths.get("/proc/thread-self"));
                    tid = Integer.parseInt(self.getFileName().toString());
                } catch (Exception e) {
                    tid = -1;
                }
                started.countDown();
                try {
                    value = call.call();
                } catch (Throwable t) {
                    failure = t;
                }
                returnedAt = System.nanoTime();
                done.countDown();
            }, "blocked-call");
            thread.setDaemon(true);
        }

        /** Starts {@code call} and returns once it is blocked in the kernel (fails after 10 s). */
        static <T> Blocked<T> start(Callable<T> call) throws Exception {
            Blocked<T> b = new Blocked<>(call);
            b.thread.start();
            assertTrue(b.started.await(10, TimeUnit.SECONDS));
            assertTrue("no /proc/thread-self", b.tid > 0);
            b.awaitBlocked();
            return b;
        }

        /** The syscalls a wait can sit in: poll, ppoll, epoll_wait, epoll_pwait. */
        static final List<String> WAITS = "aarch64".equals(System.getProperty("os.arch"))
                ? List.of("73", "22")
                : List.of("7", "271", "232", "281");

        /** The syscall number the thread is in now ("running" if on a CPU). */
        String syscall() throws Exception {
            try {
                String s = new String(Files.readAllBytes(Paths.get("/proc/self/task/" + tid + "/syscall"))).trim();
                return s.split(" ")[0];
            } catch (java.io.IOException e) {
                return "gone";
            }
        }

        private void awaitBlocked() throws Exception {
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                assertEquals("the call returned before the close: " + failure + " " + value, 1, done.getCount());
                if (WAITS.contains(syscall())) {
                    return;
                }
                assertTrue("never blocked in a wait; syscall " + syscall(), System.nanoTime() < limit);
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }

        /** Runs {@code close} while the call is (still, as checked just before) blocked. */
        void closeWith(Net.Action close) throws Exception {
            awaitBlocked();
            closedAt = System.nanoTime();
            close.run();
        }

        /**
         * Waits for the call to end within {@code millis} after the close; returns how long it
         * took in ns. Fails unless it ended, after the close, with EBADF.
         */
        long assertEndedByClose(long millis) throws Exception {
            if (!done.await(millis, TimeUnit.MILLISECONDS)) {
                fail("the blocked call did not return within " + millis + " ms of the close (syscall " + syscall() + ")");
            }
            assertTrue("returned before the close", returnedAt >= closedAt);
            assertNotNull("the blocked call returned normally: " + value, failure);
            assertTrue(String.valueOf(failure), failure instanceof SocketError);
            assertEquals(String.valueOf(failure), 9, ((SocketError) failure).errno());
            return returnedAt - closedAt;
        }

        /** When the close began ({@code System.nanoTime()}), or {@code Long.MAX_VALUE}. */
        long closedAt() {
            return closedAt;
        }

        boolean isDone() {
            return done.getCount() == 0;
        }

        /** Fails unless the call ended without an exception. */
        void assertSucceeded() {
            assertTrue("still running", isDone());
            assertNull(String.valueOf(failure), failure);
        }
    }

    private static void closeEndsIt(Callable<?> call, Net.Action close) throws Exception {
        Blocked<?> b = Blocked.start(call);
        b.closeWith(close);
        b.assertEndedByClose(2000);
    }

    @Test
    public void closeWakesABlockedTcpRecv() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        closeEndsIt(() -> p[0].recv(new byte[8], 0, 8, 0), p[0]::close);
        p[1].close();
    }

    @Test
    public void closeWakesABlockedUdpRecvfrom() throws Exception {
        NativeSocket s = Net.udp4();
        closeEndsIt(() -> s.recvFrom(new byte[8], 0, 8, 0), s::close);
    }

    /** AF_NETLINK has no shutdown(2): the old shutdown-based wake left this thread blocked. */
    @Test
    public void closeWakesABlockedNetlinkRecv() throws Exception {
        NativeSocket s = NativeSocket.create(AF_NETLINK, SOCK_RAW, 0);
        closeEndsIt(() -> s.recv(new byte[64], 0, 64, 0), s::close);
    }

    @Test
    public void closeWakesABlockedAccept() throws Exception {
        NativeSocket l = Net.listener4();
        closeEndsIt(l::accept, l::close);
    }

    @Test
    public void closeWakesABlockedUnixAcceptInTimeoutMode() throws Exception {
        NativeSocket l = NativeSocket.create(AF_UNIX, SOCK_STREAM);
        l.bind(SockAddr.unix("\0sockbridge-close-" + ProcessHandle.current().pid()));
        l.listen(1);
        l.setTimeout(30.0);
        closeEndsIt(l::accept, l::close);
    }

    @Test
    public void closeWakesASelectHoldingTheSocket() throws Exception {
        NativeSocket s = Net.udp4();
        closeEndsIt(() -> Poller.select(List.of(s), List.of(), List.of(), null), s::close);
    }

    /** A prepared poll set, first polled without waiting (so its quick path is armed), then blocking. */
    @Test
    public void closeWakesABlockedPreparedPoll() throws Exception {
        NativeSocket s = Net.udp4();
        Poller.Prepared set = new Poller.Prepared();
        set.load(new int[] {s.fileno()}, new long[] {Poller.pollHandle(s)}, new short[] {(short) SocketConstants.POLLIN}, 1);
        assertEquals(0, set.poll(0));
        assertEquals(0, set.poll(0));
        closeEndsIt(() -> set.poll(-1), s::close);
    }

    @Test
    public void closeWakesABlockedEpollWait() throws Exception {
        Epoll ep = new Epoll();
        closeEndsIt(() -> ep.poll(null, 4), ep::close);
    }

    /**
     * Closing one dup() of a TCP socket while a thread is blocked on it wakes that thread and
     * leaves the connection usable through the other copy (the old wake shut the connection
     * down for every copy).
     */
    @Test
    public void closingADupWithABlockedReaderLeavesTheTcpConnectionUsable() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        NativeSocket d = p[0].dup();
        closeEndsIt(() -> p[0].recv(new byte[8], 0, 8, 0), p[0]::close);
        d.sendAll(new byte[] {5});
        assertArrayEquals(new byte[] {5}, p[1].recv(4, 0));
        p[1].sendAll(new byte[] {6, 7});
        d.setTimeout(5.0);
        assertArrayEquals(new byte[] {6, 7}, d.recv(4, 0));
        d.close();
        p[1].close();
    }

    @Test
    public void closeWhileOthersAreNotBlockedDoesNotShutDownADuplicate() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        NativeSocket d = p[0].dup();
        p[0].close();
        d.sendAll(new byte[] {5});
        assertArrayEquals(new byte[] {5}, p[1].recv(4, 0));
        d.close();
        p[1].close();
    }

    /**
     * detach() wakes a blocked call and hands the fd out only after that call has returned, so
     * no call can still be using the number when the new owner gets it.
     */
    @Test
    public void detachWaitsForTheBlockedCallThenHandsOutAWorkingFd() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        Blocked<?> b = Blocked.start(() -> p[0].recv(new byte[8], 0, 8, 0));
        int[] fd = new int[1];
        b.closeWith(() -> fd[0] = p[0].detach());
        // The native call has let go of the fd once detach() returns: the thread may still be
        // finishing in Java (building the exception), but it is no longer waiting on the fd.
        String now = b.syscall();
        assertTrue("detach() returned while the call was still waiting on the fd (syscall " + now + ")",
                b.isDone() || !Blocked.WAITS.contains(now));
        b.assertEndedByClose(2000);
        // The fd is open and still the same connection.
        NativeSocket again = NativeSocket.fromFd(fd[0], AF_UNIX, SOCK_STREAM, 0);
        p[1].sendAll(new byte[] {9});
        again.setTimeout(5.0);
        assertArrayEquals(new byte[] {9}, again.recv(4, 0));
        again.close();
        p[1].close();
    }

    private static NativeSocket unixListener(SockAddr name) throws SocketError {
        NativeSocket l = NativeSocket.create(AF_UNIX, SOCK_STREAM);
        l.bind(name);
        l.listen(0);
        return l;
    }

    /** Fills the listener's backlog with non-blocking connects until the kernel says EAGAIN. */
    static java.util.List<NativeSocket> fillBacklog(SockAddr name) throws SocketError {
        java.util.List<NativeSocket> queued = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            NativeSocket q = NativeSocket.create(AF_UNIX, SOCK_STREAM);
            q.setBlocking(false);
            queued.add(q);
            if (q.connectEx(name) == 11) {
                break;
            }
        }
        return queued;
    }

    @Test
    public void closeWakesABlockedConnectToAFullUnixBacklog() throws Exception {
        SockAddr name = SockAddr.unix("\0sockbridge-backlog-" + ProcessHandle.current().pid());
        NativeSocket l = unixListener(name);
        java.util.List<NativeSocket> queued = fillBacklog(name);
        assertEquals("the backlog is full", 11, queued.get(queued.size() - 1).connectEx(name));
        NativeSocket c = NativeSocket.create(AF_UNIX, SOCK_STREAM);
        closeEndsIt(() -> {
            c.connect(name);
            return null;
        }, c::close);
        for (NativeSocket q : queued) {
            q.close();
        }
        l.close();
    }

    @Test
    public void blockedUnixConnectProceedsWhenTheBacklogDrains() throws Exception {
        SockAddr name = SockAddr.unix("\0sockbridge-drain-" + ProcessHandle.current().pid());
        NativeSocket l = unixListener(name);
        java.util.List<NativeSocket> queued = fillBacklog(name);
        NativeSocket c = NativeSocket.create(AF_UNIX, SOCK_STREAM);
        c.setTimeout(10.0);
        Blocked<?> b = Blocked.start(() -> {
            c.connect(name);
            return null;
        });
        for (int i = 0; i < queued.size() - 1; i++) {
            l.accept().socket.close();
        }
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!b.isDone()) {
            assertTrue("connect did not proceed", System.nanoTime() < limit);
            Thread.sleep(1);
        }
        b.assertSucceeded();
        assertEquals("connected", 0, c.getSockOpt(SOL_SOCKET, SO_ERROR));
        c.close();
        for (NativeSocket q : queued) {
            q.close();
        }
        l.close();
    }
}
