package dev.clusterchat.core.store;

/** A user or group name that must be unique is already taken. */
public final class NameTakenException extends StoreException {
    public NameTakenException(String message) {
        super(message);
    }
}
