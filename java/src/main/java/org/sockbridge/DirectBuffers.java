package org.sockbridge;

import java.nio.ByteBuffer;

/**
 * Native entry points behind {@link NativeSocket}'s {@code ByteBuffer} overloads
 * ({@code src/jni/direct.rs}): a direct buffer's memory goes to the kernel by address, with no
 * copy and no pinning. Each returns a count or a negative code for {@link Errors#check}.
 *
 * <p>The native side re-checks what the facade checked (direct buffer, region inside the
 * capacity, array bounds, at most {@link NativeSocket#MAX_BUFFERS} buffers) and throws
 * {@link IllegalArgumentException} otherwise, so a wrong call can never reach outside a buffer.
 * Read-only direct buffers cannot be told apart in JNI: refusing them for a receive is the
 * facade's job.
 */
final class DirectBuffers {
    static {
        NativeLibrary.load();
    }

    private DirectBuffers() {}

    /** {@code recv} into {@code buf[position, position + len)}. */
    static native int nRecvDirect(long h, ByteBuffer buf, int position, int len, int flags);

    /** {@code send} of {@code buf[position, position + len)}. */
    static native int nSendDirect(long h, ByteBuffer buf, int position, int len, int flags);

    /** {@code recvfrom} into the region; the sender goes to {@code addrOut}. */
    static native int nRecvFromDirect(long h, ByteBuffer buf, int position, int len, int flags, byte[] addrOut);

    /** {@code sendto} of the region. */
    static native int nSendToDirect(long h, ByteBuffer buf, int position, int len, int flags, byte[] addr, int addrLen);

    /** Scatter read into each of {@code bufs[offset, offset + count)} from its position to its limit. */
    static native int nRecvVectored(long h, ByteBuffer[] bufs, int offset, int count, int flags);

    /** Gather write of each of {@code bufs[offset, offset + count)} from its position to its limit. */
    static native int nSendVectored(long h, ByteBuffer[] bufs, int offset, int count, int flags);
}
