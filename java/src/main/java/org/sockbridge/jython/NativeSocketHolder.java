package org.sockbridge.jython;

import org.sockbridge.NativeSocket;

/**
 * A Python-visible object that wraps one {@link NativeSocket}: the plug-in's socket objects (and
 * anything built on them). {@code select}, {@code poll} and {@code epoll} ask this first, so
 * watching a socket costs no Python attribute lookup and closing it wakes the wait.
 */
public interface NativeSocketHolder {
    /** The socket now held, or {@code null} when the object is closed (or detached). */
    NativeSocket nativeSocket();
}
