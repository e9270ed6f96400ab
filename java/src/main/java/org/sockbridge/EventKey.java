package org.sockbridge;

/**
 * A socket's registration with an {@link EventLoop}, like NIO's
 * {@link java.nio.channels.SelectionKey}: the socket, its interest, what {@code select} found
 * ready, and an attachment. Used from the loop's thread.
 */
public final class EventKey {
    private final EventLoop loop;
    final Selectable channel;
    final TlsSocket tls;
    final int fd;
    int interest;
    int readyOps;
    private long readyRound;
    boolean valid = true;
    int index = -1;
    private volatile Object attachment;

    EventKey(EventLoop loop, Selectable channel, TlsSocket tls, int fd, Object attachment) {
        this.loop = loop;
        this.channel = channel;
        this.tls = tls;
        this.fd = fd;
        this.attachment = attachment;
    }

    /** The loop this key belongs to. */
    public EventLoop loop() {
        return loop;
    }

    /** What was registered: a {@link NativeSocket}, another {@link Selectable}, or the TLS socket's plain socket. */
    public Selectable channel() {
        return channel;
    }

    /** The registered socket as a {@link NativeSocket} (for a TLS key, the socket under TLS); null for other {@link Selectable}s. */
    public NativeSocket socket() {
        return channel instanceof NativeSocket ? (NativeSocket) channel : null;
    }

    /** The TLS socket, for a key registered with one; else null. */
    public TlsSocket tls() {
        return tls;
    }

    /** The fd registered. */
    public int fd() {
        return fd;
    }

    /** The attachment. */
    public Object attachment() {
        return attachment;
    }

    /** Replaces the attachment; returns the previous one. */
    public Object attach(Object newAttachment) {
        Object old = attachment;
        attachment = newAttachment;
        return old;
    }

    /** The interest: {@link EventLoop#READ}, {@link EventLoop#WRITE}, both, or 0. */
    public int interest() {
        return interest;
    }

    /** Changes the interest (0: registered but not watched). */
    public EventKey interest(int ops) throws SocketError {
        EventLoop.checkInterest(ops);
        checkValid();
        setInterest(ops);
        return this;
    }

    void setInterest(int ops) throws SocketError {
        loop.epollCtl(this, interest, ops);
        interest = ops;
    }

    /** What the last {@code select} that returned this key found: {@link EventLoop#READ} and/or {@link EventLoop#WRITE}. */
    public int readyOps() {
        return readyOps;
    }

    /** Ready to read (or accept, or to see end of stream or an error). */
    public boolean isReadable() {
        return (readyOps & EventLoop.READ) != 0;
    }

    /** Ready to write (or a non-blocking connect has finished). */
    public boolean isWritable() {
        return (readyOps & EventLoop.WRITE) != 0;
    }

    /** True until cancelled, closed through {@link #close()}, found closed, or the loop closes. */
    public boolean isValid() {
        return valid && loop.isOpen();
    }

    /** Deregisters the socket (which stays open). Cancelling again does nothing. */
    public void cancel() {
        if (valid) {
            valid = false;
            loop.remove(this, stillOwnsFd());
        }
    }

    /** Cancels the key, then closes the socket (TLS: the session and its socket). */
    public void close() {
        cancel();
        if (tls != null) {
            tls.close();
        } else if (channel instanceof java.io.Closeable) {
            try {
                ((java.io.Closeable) channel).close();
            } catch (java.io.IOException e) {
                // NativeSocket.close() throws nothing; other Selectables: best effort
            }
        }
    }

    /** The socket is open and still has the fd it was registered with. */
    boolean stillOwnsFd() {
        try {
            return channel.fileno() == fd;
        } catch (SocketError | RuntimeException e) {
            return false;
        }
    }

    /** Forgets a key whose socket was closed behind the loop's back. */
    void drop() {
        if (valid) {
            valid = false;
            loop.remove(this, false);
        }
    }

    void markReady(int ops, long round) {
        if (readyRound == round) {
            readyOps |= ops;
            return;
        }
        readyRound = round;
        readyOps = ops;
        loop.addReady(this);
    }

    private void checkValid() {
        if (!isValid()) {
            throw new IllegalStateException("the key is cancelled");
        }
    }

    @Override
    public String toString() {
        return "EventKey[fd=" + fd + ", interest=" + interest + ", ready=" + readyOps + (valid ? "" : ", cancelled") + "]";
    }
}
