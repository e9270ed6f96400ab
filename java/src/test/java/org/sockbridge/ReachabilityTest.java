package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.lang.ref.WeakReference;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * A socket stays reachable while one of its native calls runs. Compiled code may drop {@code this}
 * after its last use (reading the handle), so without {@code Reference.reachabilityFence} a socket
 * whose only reference is the call's receiver can be collected mid-call: its Cleaner then closes
 * the fd under the running {@code recv}.
 */
public class ReachabilityTest {
    /** The caller keeps no reference: only the receiver of {@code recv} holds the socket. */
    static int recvVia(NativeSocket[] holder, byte[] buf, int flags) throws SocketError {
        NativeSocket s = holder[0];
        holder[0] = null;
        return s.recv(buf, 0, buf.length, flags);
    }

    private static void warmUp() throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        try (NativeSocket a = p[0]; NativeSocket b = p[1]) {
            b.sendAll(new byte[] {1});
            NativeSocket[] holder = new NativeSocket[1];
            byte[] one = new byte[1];
            for (int i = 0; i < 200_000; i++) {
                holder[0] = a;
                assertEquals(1, recvVia(holder, one, MSG_PEEK));
            }
        }
        Thread.sleep(500); // let the background compiler finish
    }

    /** A socket referenced only by {@code holder} and a weak reference. */
    private static WeakReference<NativeSocket> socketIn(NativeSocket[] holder, NativeSocket[] peerOut) throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        p[0].setTimeout(20.0);
        holder[0] = p[0];
        peerOut[0] = p[1];
        return new WeakReference<>(p[0]);
    }

    @Test(timeout = 60_000)
    public void aSocketInABlockingCallIsNotCollected() throws Exception {
        warmUp();
        for (int round = 0; round < 3; round++) {
            NativeSocket[] holder = new NativeSocket[1];
            NativeSocket[] peer = new NativeSocket[1];
            WeakReference<NativeSocket> weak = socketIn(holder, peer);
            byte[] buf = new byte[1];
            Future<Integer> call = Net.async(() -> recvVia(holder, buf, 0));
            try (NativeSocket b = peer[0]) {
                while (holder[0] != null) {
                    Thread.sleep(5);
                }
                Thread.sleep(200); // now in the native recv
                for (int i = 0; i < 10; i++) {
                    System.gc();
                    Thread.sleep(50);
                    assertNotNull("round " + round + ": the socket was collected during its native recv", weak.get());
                    assertFalse("round " + round + ": the recv ended before any data was sent", call.isDone());
                }
                b.sendAll(new byte[] {42});
                assertEquals(1, (int) call.get(10, TimeUnit.SECONDS));
                assertEquals(42, buf[0]);
            }
        }
    }

    /** Registers a socket and keeps no reference to it but a weak one. */
    private static WeakReference<NativeSocket> registerDropped(PollSet set, NativeSocket[] peerOut) throws Exception {
        NativeSocket[] p = NativeSocket.pair(AF_UNIX, SOCK_STREAM, 0);
        set.register(p[0], POLLIN);
        peerOut[0] = p[1];
        return new WeakReference<>(p[0]);
    }

    /**
     * A poll set passes its sockets' handles to native code, so it keeps them reachable: otherwise
     * a registered socket the program dropped is closed by its Cleaner and the poll fails with
     * EBADF (or watches whatever reuses the fd number).
     */
    @Test(timeout = 30_000)
    public void aPollSetKeepsItsSocketsReachable() throws Exception {
        PollSet set = new PollSet();
        NativeSocket[] peer = new NativeSocket[1];
        WeakReference<NativeSocket> weak = registerDropped(set, peer);
        try (NativeSocket b = peer[0]) {
            for (int i = 0; i < 10 && weak.get() != null; i++) {
                System.gc();
                Thread.sleep(50);
            }
            assertNotNull("a registered socket was collected", weak.get());
            b.sendAll(new byte[] {1});
            java.util.List<int[]> ready = set.poll(5000.0);
            assertEquals(1, ready.size());
            assertEquals(POLLIN, ready.get(0)[1] & POLLIN);
        }
    }
}
