package dev.clusterchat.core.store;

/** The backing store failed (unreachable, timed out, rejected a statement). Unchecked, with context. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
