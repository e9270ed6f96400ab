package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.io.File;
import java.io.FileInputStream;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Test;

/** select / poll / epoll on sockets, pipes (FIFOs) and regular files, through the facade. */
public class SelectTest {
    private static final List<Object> NONE = List.of();

    @Test
    public void selectOnSocketsByObjectAndByInt() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try {
            Poller.Selected s = Poller.select(List.of(p[0], p[1]), List.of(p[0]), NONE, 0.0);
            assertTrue(s.read.isEmpty());
            assertEquals(List.of(p[0]), s.write);
            p[0].sendAll(new byte[] {1});
            s = Poller.select(List.of(p[0].fileno(), p[1].fileno()), NONE, NONE, 1.0);
            assertEquals(List.of(p[1].fileno()), s.read);
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    public void selectTimesOutWithNothingReady() throws Exception {
        try (NativeSocket s = Net.udp4()) {
            Poller.Selected r = Poller.select(List.of(s), NONE, NONE, 0.05);
            assertTrue(r.read.isEmpty() && r.write.isEmpty() && r.except.isEmpty());
        }
    }

    @Test
    public void selectOnAFifoAndARegularFile() throws Exception {
        File dir = java.nio.file.Files.createTempDirectory("sockbridge").toFile();
        File fifo = new File(dir, "fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.getPath()).start().waitFor());
        File plain = new File(dir, "plain.txt");
        java.nio.file.Files.write(plain.toPath(), new byte[] {1});
        try (RandomAccessFile pipe = new RandomAccessFile(fifo, "rw"); FileInputStream file = new FileInputStream(plain)) {
            Poller.Selected s = Poller.select(List.of(pipe.getFD(), file.getFD()), NONE, NONE, 0.0);
            assertEquals("empty pipe not readable, file always readable", List.of(file.getFD()), s.read);
            pipe.write(42);
            s = Poller.select(List.of(pipe.getFD()), List.of(pipe.getFD()), NONE, 1.0);
            assertEquals(List.of(pipe.getFD()), s.read);
            assertEquals(List.of(pipe.getFD()), s.write);

            PollSet ps = new PollSet();
            ps.register(pipe.getFD(), POLLIN);
            ps.register(file.getFD(), POLLIN);
            List<int[]> ready = ps.poll(0.0);
            assertEquals(2, ready.size());

            try (Epoll ep = new Epoll()) {
                ep.register(pipe.getFD(), EPOLLIN);
                List<int[]> ev = ep.poll(1.0, 8);
                assertEquals(1, ev.size());
                assertEquals(Poller.fdOf(pipe.getFD()), ev.get(0)[0]);
                // Regular files cannot be added to epoll: the kernel says EPERM, as in CPython.
                assertEquals(1, Net.expectError(() -> ep.register(file.getFD(), EPOLLIN)).errno());
            }
        } finally {
            fifo.delete();
            plain.delete();
            dir.delete();
        }
    }

    @Test
    public void selectOnAClosedFdIsEbadf() throws Exception {
        NativeSocket s = Net.udp4();
        int fd = s.fileno();
        s.close();
        // fd numbers are reused quickly; use one far above anything open.
        assertEquals(9, Net.expectError(() -> Poller.select(List.of(999_999), NONE, NONE, 0.0)).errno());
        assertEquals(9, Net.expectError(() -> Poller.select(List.of(s), NONE, NONE, 0.0)).errno());
        assertTrue(fd >= 0);
        PollSet ps = new PollSet();
        ps.register(999_999, POLLIN);
        List<int[]> r = ps.poll(0.0);
        assertEquals(POLLNVAL, r.get(0)[1]);
    }

    @Test
    public void aThousandSocketsInOnePollReportExactlyTheReadyOnes() throws Exception {
        List<NativeSocket[]> pairs = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                pairs.add(NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0));
            }
            List<Object> all = new ArrayList<>();
            for (NativeSocket[] p : pairs) {
                all.add(p[0]);
                all.add(p[1]);
            }
            Set<Object> expected = new HashSet<>();
            for (int i = 0; i < 500; i += 7) {
                pairs.get(i)[0].sendAll(new byte[] {1});
                expected.add(pairs.get(i)[1]);
            }
            Poller.Selected s = Poller.select(all, NONE, NONE, 1.0);
            assertEquals(expected, new HashSet<>(s.read));
            assertEquals(1000, Poller.select(NONE, all, NONE, 1.0).write.size());

            PollSet ps = new PollSet();
            for (Object o : all) {
                ps.register(o, POLLIN);
            }
            Set<Integer> fds = new HashSet<>();
            for (int[] e : ps.poll(1000.0)) {
                fds.add(e[0]);
            }
            Set<Integer> want = new HashSet<>();
            for (Object o : expected) {
                want.add(((NativeSocket) o).fileno());
            }
            assertEquals(want, fds);

            try (Epoll ep = new Epoll()) {
                for (Object o : all) {
                    ep.register(o, EPOLLIN);
                }
                Set<Integer> got = new HashSet<>();
                for (int[] e : ep.poll(1.0, 1000)) {
                    got.add(e[0]);
                }
                assertEquals(want, got);
            }
        } finally {
            for (NativeSocket[] p : pairs) {
                p[0].close();
                p[1].close();
            }
        }
    }

    @Test
    public void epollEdgeTriggeredReportsOnlyNewData() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try (Epoll ep = new Epoll()) {
            ep.register(p[1], EPOLLIN | EPOLLET);
            p[0].sendAll(new byte[] {1});
            assertEquals(1, ep.poll(1.0, 4).size());
            assertEquals("no new edge", 0, ep.poll(0.0, 4).size());
            p[0].sendAll(new byte[] {2});
            assertEquals(1, ep.poll(1.0, 4).size());
            ep.modify(p[1], EPOLLIN); // level-triggered now: data still there
            assertEquals(1, ep.poll(0.0, 4).size());
            assertEquals(1, ep.poll(0.0, 4).size());
            ep.unregister(p[1]);
            assertEquals(2, Net.expectError(() -> ep.unregister(p[1])).errno());
            assertEquals(0, ep.poll(0.0, 4).size());
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    public void selectOnAPseudoTerminal() throws Exception {
        // A tty without needing one attached: the master side of a new pseudo-terminal.
        try (RandomAccessFile master = new RandomAccessFile("/dev/ptmx", "rw")) {
            Poller.Selected s = Poller.select(List.of(master.getFD()), List.of(master.getFD()), NONE, 0.0);
            assertTrue("nothing to read yet", s.read.isEmpty());
            assertEquals(List.of(master.getFD()), s.write);
        }
    }

    /**
     * A prepared set keeps its entries across polls; a socket closed while in it gives EBADF on
     * the next zero-timeout poll (the quick path sees the close), also once a new socket holds
     * its fd number and is readable: the set never reports the newcomer under the closed entry.
     */
    @Test
    public void preparedPollKeepsItsSetAndNoticesACloseAndAReusedFd() throws Exception {
        NativeSocket a = Net.udp4();
        NativeSocket b = Net.udp4();
        NativeSocket sender = Net.udp4();
        try {
            sender.sendTo(new byte[] {1}, b.getSockName());
            Poller.Prepared set = new Poller.Prepared();
            int[] fds = {a.fileno(), b.fileno(), sender.fileno()};
            long[] handles = {Poller.pollHandle(a), Poller.pollHandle(b), 0};
            short[] events = {(short) POLLIN, (short) POLLIN, (short) POLLOUT};
            set.load(fds, handles, events, 3);
            long limit = System.nanoTime() + 5_000_000_000L;
            while (set.poll(0) < 2 && System.nanoTime() < limit) {
                Thread.sleep(1);
            }
            for (int round = 0; round < 5; round++) {
                assertEquals(2, set.poll(round % 2 == 0 ? 0 : 1_000_000_000L));
                assertEquals(1, set.ready(0));
                assertEquals(2, set.ready(1));
                assertEquals(POLLIN, set.revents(1));
                assertEquals(POLLOUT, set.revents(2));
                assertEquals(0, set.revents(0));
            }
            set.setEvents(2, (short) 0);
            assertEquals(1, set.poll(0));
            assertEquals(1, set.ready(0));
            int fd = a.fileno();
            a.close();
            assertEquals(9, Net.expectError(() -> set.poll(0)).errno());
            NativeSocket reuse = Net.udp4();
            try {
                assertEquals("the lowest free fd is a's", fd, reuse.fileno());
                sender.sendTo(new byte[] {2}, reuse.getSockName());
                Thread.sleep(20);
                assertEquals(9, Net.expectError(() -> set.poll(0)).errno());
                assertEquals(9, Net.expectError(() -> set.poll(1_000_000L)).errno());
            } finally {
                reuse.close();
            }
            set.load(new int[] {b.fileno()}, new long[] {Poller.pollHandle(b)}, new short[] {(short) POLLIN}, 1);
            assertEquals(1, set.poll(0));
            assertEquals(1, set.poll(0));
            assertEquals(0, set.ready(0));
        } finally {
            a.close();
            b.close();
            sender.close();
        }
    }

    @Test
    public void preparedPollRefusesBadArguments() throws Exception {
        Poller.Prepared set = new Poller.Prepared();
        assertEquals(0, set.poll(0));
        assertThrows(IllegalArgumentException.class, () -> set.load(new int[1], new long[1], new short[1], 2));
        assertThrows(IllegalArgumentException.class, () -> set.load(new int[1], new long[1], new short[1], -1));
        assertThrows(IndexOutOfBoundsException.class, () -> set.ready(0));
        assertThrows(IndexOutOfBoundsException.class, () -> set.setEvents(0, (short) 1));
        set.load(new int[] {-1}, new long[] {12345L << 32 | 7}, new short[] {1}, 1);
        assertEquals("a forged handle is a closed socket", 9, Net.expectError(() -> set.poll(0)).errno());
    }
}
