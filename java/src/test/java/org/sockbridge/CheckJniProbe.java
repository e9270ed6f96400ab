package org.sockbridge;

import static org.sockbridge.SocketConstants.*;

import java.util.List;

/**
 * Run in a child JVM by {@link CheckJniChildTest}: entry points that make many JNI references or
 * take any object, and a native panic. Prints one line per step; the parent checks the JVM's output.
 */
public final class CheckJniProbe {
    private CheckJniProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("panic")) {
            try {
                NativeLibrary.panicForTest();
                System.out.println("panic returned");
            } catch (Error e) {
                System.out.println("panic became " + e.getClass().getName());
            }
            return;
        }
        int n = TlsPolicy.secureDefaults().caCertificates().size();
        System.out.println("system CA certificates: " + n);
        for (Object o : new Object[] {new Object(), "x", 7}) {
            try {
                System.out.println("nFdOf returned " + Poller.nFdOf(o));
            } catch (IllegalArgumentException e) {
                System.out.println("nFdOf refused " + o.getClass().getName());
            }
        }
        System.out.println("fd of stdin: " + Poller.fdOf(java.io.FileDescriptor.in));
        try (java.io.FileInputStream in = new java.io.FileInputStream("/dev/null")) {
            System.out.println("select on a stream: " + Poller.select(List.of(in), List.of(), List.of(), 0.0).read.size());
        }
        try (NativeSocket s = NativeSocket.create(AF_INET, SOCK_DGRAM)) {
            s.bind(SockAddr.inet("127.0.0.1", 0));
            System.out.println("select on a socket: " + Poller.select(List.of(), List.of(s), List.of(), 0.0).write.size());
        }
        System.out.println("probe done");
    }
}
