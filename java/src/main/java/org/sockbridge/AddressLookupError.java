package org.sockbridge;

/**
 * A failed {@code getaddrinfo}/{@code getnameinfo}: CPython's {@code socket.gaierror(code, msg)}.
 * {@link #errno()} holds the {@code EAI_*} code, e.g. -2 "Name or service not known".
 */
public class AddressLookupError extends SocketError {
    private static final long serialVersionUID = 1L;

    /** Creates the error for gai {@code code} with the resolver's message. */
    public AddressLookupError(int code, String message) {
        super(code, message);
    }
}
