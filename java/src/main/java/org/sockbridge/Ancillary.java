package org.sockbridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One control message for {@code sendmsg}/{@code recvmsg}: {@code (level, type, data)}. */
public final class Ancillary {
    /** {@code cmsg_level}, e.g. {@link SocketConstants#SOL_SOCKET}. */
    public final int level;
    /** {@code cmsg_type}, e.g. {@link SocketConstants#SCM_RIGHTS}. */
    public final int type;
    private final byte[] data;

    /** A control message with a copy of {@code data}. */
    public Ancillary(int level, int type, byte[] data) {
        this.level = level;
        this.type = type;
        this.data = data.clone();
    }

    /** An {@code SCM_RIGHTS} message passing {@code fds}. */
    public static Ancillary rights(int... fds) {
        ByteBuffer b = ByteBuffer.allocate(4 * fds.length).order(ByteOrder.nativeOrder());
        for (int fd : fds) {
            b.putInt(fd);
        }
        return new Ancillary(SocketConstants.SOL_SOCKET, SocketConstants.SCM_RIGHTS, b.array());
    }

    /** A copy of the payload. */
    public byte[] data() {
        return data.clone();
    }

    /** The payload read as native-endian ints (the fds of an {@code SCM_RIGHTS} message). */
    public int[] ints() {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
        int[] out = new int[data.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }

    static byte[] encode(List<Ancillary> list) {
        int size = 0;
        for (Ancillary a : list) {
            size += 12 + a.data.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        for (Ancillary a : list) {
            b.putInt(a.level).putInt(a.type).putInt(a.data.length).put(a.data);
        }
        return b.array();
    }

    static List<Ancillary> decode(byte[] bytes, int len) {
        List<Ancillary> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, len);
        while (b.remaining() >= 12) {
            int level = b.getInt();
            int type = b.getInt();
            byte[] d = new byte[b.getInt()];
            b.get(d);
            out.add(new Ancillary(level, type, d));
        }
        return out;
    }

    @Override
    public String toString() {
        return "(" + level + ", " + type + ", " + Arrays.toString(data) + ")";
    }
}
