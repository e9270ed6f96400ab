import static org.sockbridge.SocketConstants.*;

import java.util.ArrayDeque;
import org.sockbridge.EventKey;
import org.sockbridge.EventLoop;
import org.sockbridge.NativeSocket;
import org.sockbridge.SockAddr;
import org.sockbridge.SocketError;

/**
 * A TCP echo server on one thread with org.sockbridge.EventLoop: non-blocking sockets, READ
 * interest while there is nothing to send back, WRITE interest while a reply is pending.
 *
 * <p>Run it straight from the source (Java 11+), after {@code gradle -q --offline jar}:
 * <pre>
 *   java -cp build/libs/sockbridge-0.1.0.jar examples/EventLoopEchoServer.java [host] [port]
 * </pre>
 * then e.g. {@code printf 'hello\n' | nc -q1 127.0.0.1 9007}. It prints "listening on HOST PORT"
 * once it accepts connections. Port 0 picks a free port.
 */
public class EventLoopEchoServer {
    /** Linux's EAGAIN: a non-blocking call found nothing to do. */
    static final int EAGAIN = 11;

    /** Bytes read but not yet echoed back, per connection. */
    static final class Connection {
        final ArrayDeque<byte[]> out = new ArrayDeque<>();
        int offset; // into out.peek()
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9007;
        try (EventLoop loop = new EventLoop();
                NativeSocket listener = NativeSocket.create(host.contains(":") ? AF_INET6 : AF_INET, SOCK_STREAM)) {
            listener.setSockOpt(SOL_SOCKET, SO_REUSEADDR, 1);
            listener.bind(host.contains(":") ? SockAddr.inet6(host, port, 0, 0) : SockAddr.inet(host, port));
            listener.listen(128);
            listener.setTimeout(0.0);
            loop.register(listener, EventLoop.READ, null);
            SockAddr bound = listener.getSockName();
            System.out.println("listening on " + bound.host() + " " + bound.port());
            System.out.flush();
            byte[] buf = new byte[65536];
            while (true) {
                for (EventKey key : loop.select()) {
                    if (key.attachment() == null) {
                        accept(loop, listener);
                    } else {
                        serve(key, buf);
                    }
                }
            }
        }
    }

    static void accept(EventLoop loop, NativeSocket listener) throws SocketError {
        while (true) {
            NativeSocket.Accepted a;
            try {
                a = listener.accept();
            } catch (SocketError e) {
                if (e.errno() == EAGAIN) {
                    return;
                }
                throw e;
            }
            a.socket.setTimeout(0.0);
            loop.register(a.socket, EventLoop.READ, new Connection());
        }
    }

    static void serve(EventKey key, byte[] buf) {
        Connection c = (Connection) key.attachment();
        NativeSocket s = key.socket();
        try {
            if (key.isReadable()) {
                int n = s.recv(buf, 0, buf.length, 0);
                if (n == 0) {
                    key.close(); // the peer closed
                    return;
                }
                c.out.add(java.util.Arrays.copyOf(buf, n));
            }
            while (!c.out.isEmpty()) {
                byte[] head = c.out.peek();
                int sent = s.send(head, c.offset, head.length - c.offset, 0);
                c.offset += sent;
                if (c.offset < head.length) {
                    break;
                }
                c.out.poll();
                c.offset = 0;
            }
            key.interest(c.out.isEmpty() ? EventLoop.READ : EventLoop.WRITE);
        } catch (SocketError e) {
            if (e.errno() == EAGAIN) {
                try {
                    key.interest(c.out.isEmpty() ? EventLoop.READ : EventLoop.WRITE);
                } catch (SocketError again) {
                    key.close();
                }
                return;
            }
            System.err.println("connection error: " + e.getMessage());
            key.close();
        }
    }
}
