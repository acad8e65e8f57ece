package dev.clusterchat.core.proto;

/** A request that cannot be served: becomes an error reply with this errno and message. */
public final class ChatException extends RuntimeException {
    private final Errno errno;

    public ChatException(Errno errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    public ChatException(Errno errno) {
        this(errno, errno.message());
    }

    public Errno errno() {
        return errno;
    }
}
