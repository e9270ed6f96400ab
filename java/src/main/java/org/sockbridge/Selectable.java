package org.sockbridge;

/** Anything that can name an fd for {@link Poller}: sockets, or callers' own wrappers. */
public interface Selectable {
    /** The fd to watch. */
    int fileno() throws SocketError;
}
