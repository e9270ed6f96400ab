package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** close() from another thread ends a blocked call promptly with EBADF. */
public class CloseWakeTest {
    private static void assertEbadfSoon(Future<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
            fail("the blocked call returned normally");
        } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof SocketError);
            assertEquals(9, ((SocketError) e.getCause()).errno());
        }
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(200); // let the other thread reach poll(2); correctness does not depend on it
    }

    @Test
    public void closeWakesABlockedTcpRecv() throws Exception {
        NativeSocket[] p = Net.tcpPair();
        Future<Integer> f = Net.async(() -> p[0].recv(new byte[8], 0, 8, 0));
        settle();
        p[0].close();
        assertEbadfSoon(f);
        p[1].close();
    }

    @Test
    public void closeWakesABlockedUdpRecvfrom() throws Exception {
        NativeSocket s = Net.udp4();
        Future<?> f = Net.async(() -> s.recvFrom(new byte[8], 0, 8, 0));
        settle();
        s.close();
        assertEbadfSoon(f);
    }

    @Test
    public void closeWakesABlockedAccept() throws Exception {
        NativeSocket l = Net.listener4();
        Future<?> f = Net.async(l::accept);
        settle();
        l.close();
        assertEbadfSoon(f);
    }

    @Test
    public void closeWakesABlockedUnixAcceptInTimeoutMode() throws Exception {
        NativeSocket l = NativeSocket.create(AF_UNIX, SOCK_STREAM);
        l.bind(SockAddr.unix("\0sockbridge-close-" + ProcessHandle.current().pid()));
        l.listen(1);
        l.setTimeout(30.0);
        Future<?> f = Net.async(l::accept);
        settle();
        l.close();
        assertEbadfSoon(f);
    }

    @Test
    public void closeWakesASelectHoldingTheSocket() throws Exception {
        NativeSocket s = Net.udp4();
        Future<?> f = Net.async(() -> Poller.select(List.of(s), List.of(), List.of(), null));
        settle();
        s.close();
        assertEbadfSoon(f);
    }

    @Test
    public void closeWakesABlockedEpollWait() throws Exception {
        Epoll ep = new Epoll();
        Future<?> f = Net.async(() -> ep.poll(null, 4));
        settle();
        ep.close();
        assertEbadfSoon(f);
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

    private static NativeSocket unixListener(SockAddr name) throws SocketError {
        NativeSocket l = NativeSocket.create(AF_UNIX, SOCK_STREAM);
        l.bind(name);
        l.listen(0);
        return l;
    }

    /** Fills the listener's backlog with non-blocking connects until the kernel says EAGAIN. */
    private static java.util.List<NativeSocket> fillBacklog(SockAddr name) throws SocketError {
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
        Future<?> f = Net.async(() -> {
            c.connect(name);
            return null;
        });
        settle();
        assertFalse("connect waits while the backlog is full", f.isDone());
        c.close();
        assertEbadfSoon(f);
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
        Future<?> f = Net.async(() -> {
            c.connect(name);
            return null;
        });
        settle();
        for (int i = 0; i < queued.size() - 1; i++) {
            l.accept().socket.close();
        }
        f.get(5, TimeUnit.SECONDS);
        assertEquals("connected", 0, c.getSockOpt(SOL_SOCKET, SO_ERROR));
        c.close();
        for (NativeSocket q : queued) {
            q.close();
        }
        l.close();
    }
}
