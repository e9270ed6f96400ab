package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.io.File;
import java.nio.file.Files;
import java.util.List;
import org.junit.Test;

/** AF_UNIX stream and datagram sockets, path and abstract names, socketpair, SCM_RIGHTS. */
public class UnixSocketTest {
    @Test
    public void streamOverAPathName() throws Exception {
        File dir = Files.createTempDirectory("sockbridge").toFile();
        String path = new File(dir, "s.sock").getPath();
        try (NativeSocket l = NativeSocket.create(AF_UNIX, SOCK_STREAM);
                NativeSocket c = NativeSocket.create(AF_UNIX, SOCK_STREAM)) {
            l.bind(SockAddr.unix(path));
            l.listen(1);
            assertEquals(path, l.getSockName().host());
            c.connect(SockAddr.unix(path));
            try (NativeSocket a = l.accept().socket) {
                c.sendAll("over unix".getBytes("UTF-8"));
                assertEquals("over unix", new String(a.recv(64, 0), "UTF-8"));
                assertEquals(path, a.getSockName().host());
                assertEquals("", c.getSockName().host()); // unbound client: ''
            }
        } finally {
            new File(path).delete();
            dir.delete();
        }
    }

    @Test
    public void datagramOverAnAbstractName() throws Exception {
        String name = "\0sockbridge-test-" + ProcessHandle.current().pid();
        try (NativeSocket rx = NativeSocket.create(AF_UNIX, SOCK_DGRAM);
                NativeSocket tx = NativeSocket.create(AF_UNIX, SOCK_DGRAM)) {
            rx.bind(SockAddr.unix(name));
            String txName = name + "-tx";
            tx.bind(SockAddr.unix(txName));
            tx.sendTo("dgram".getBytes("UTF-8"), SockAddr.unix(name));
            byte[] buf = new byte[16];
            NativeSocket.Received r = rx.recvFrom(buf, 0, 16, 0);
            assertEquals("dgram", new String(buf, 0, r.count, "UTF-8"));
            assertEquals(txName, r.address.host());
            assertEquals(0, r.address.addressBytes()[0]);
        }
    }

    @Test
    public void socketpairBothWays() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try {
            p[0].sendAll(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, p[1].recv(8, 0));
            p[1].sendAll(new byte[] {4});
            assertArrayEquals(new byte[] {4}, p[0].recv(8, 0));
            assertEquals(AF_UNIX, p[0].family());
            assertEquals(SOCK_STREAM, p[0].type());
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    public void scmRightsPassesAWorkingSocket() throws Exception {
        NativeSocket[] chan = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        NativeSocket[] inner = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try {
            assertEquals(2, chan[0].sendMsg("fd".getBytes("UTF-8"), List.of(Ancillary.rights(inner[0].fileno())), 0, null));
            NativeSocket.Message m = chan[1].recvMsg(16, 64, 0);
            assertEquals("fd", new String(m.data, "UTF-8"));
            assertEquals(1, m.ancillary.size());
            Ancillary a = m.ancillary.get(0);
            assertEquals(SOL_SOCKET, a.level);
            assertEquals(SCM_RIGHTS, a.type);
            int fd = a.ints()[0];
            try (NativeSocket passed = NativeSocket.fromFd(fd, AF_UNIX, SOCK_STREAM, 0)) {
                passed.sendAll("via passed fd".getBytes("UTF-8"));
                assertEquals("via passed fd", new String(inner[1].recv(64, 0), "UTF-8"));
            }
            NativeSocket.fromFd(fd, AF_UNIX, SOCK_STREAM, 0).detach(); // leaves fd open
            try (NativeSocket again = NativeSocket.fromFd(fd, AF_UNIX, SOCK_STREAM, 0)) {
                assertTrue(again.fileno() != fd);
            }
        } finally {
            for (NativeSocket s : new NativeSocket[] {chan[0], chan[1], inner[0], inner[1]}) {
                s.close();
            }
        }
    }

    @Test
    public void fromFdRefusesNonSockets() throws Exception {
        File f = File.createTempFile("sockbridge", ".txt");
        try (java.io.FileInputStream in = new java.io.FileInputStream(f)) {
            int fd = Poller.fdOf(in.getFD());
            assertEquals(88, Net.expectError(() -> NativeSocket.fromFd(fd, AF_INET, SOCK_STREAM, 0)).errno());
        } finally {
            f.delete();
        }
        assertEquals(9, Net.expectError(() -> NativeSocket.fromFd(999_999, AF_INET, SOCK_STREAM, 0)).errno());
    }

    @Test
    public void dupAndDetach() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        NativeSocket d = p[0].dup();
        assertNotEquals(p[0].fileno(), d.fileno());
        p[0].close();
        d.sendAll(new byte[] {9});
        assertArrayEquals(new byte[] {9}, p[1].recv(4, 0));
        int fd = d.detach();
        assertEquals(9, Net.expectError(d::fileno).errno());
        try (NativeSocket back = NativeSocket.fromFd(fd, AF_UNIX, SOCK_STREAM, 0)) {
            back.sendAll(new byte[] {8});
            assertArrayEquals(new byte[] {8}, p[1].recv(4, 0));
        }
        p[1].close();
    }

    /** With MSG_TRUNC the kernel reports a datagram's real length: the data is what fit. */
    @Test
    public void recvMsgWithMsgTruncGivesWhatFitAndTheFlag() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_DGRAM, 0);
        try {
            byte[] sent = new byte[90];
            java.util.Arrays.fill(sent, (byte) 7);
            p[0].send(sent, 0, 90, 0);
            p[0].send(sent, 0, 90, 0);
            NativeSocket.Message m = p[1].recvMsg(16, 0, MSG_TRUNC);
            assertArrayEquals(java.util.Arrays.copyOf(sent, 16), m.data);
            assertEquals(MSG_TRUNC, m.flags & MSG_TRUNC);
            assertEquals(0, p[1].recvMsg(0, 0, MSG_TRUNC).data.length);
        } finally {
            p[0].close();
            p[1].close();
        }
    }
}
