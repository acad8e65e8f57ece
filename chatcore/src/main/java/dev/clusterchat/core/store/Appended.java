package dev.clusterchat.core.store;

/**
 * What {@link ChatStore#append} did with one message: the message as stored, and whether it was
 * stored before (same sender and {@code cmid}), in which case nothing new was stored.
 */
public record Appended(StoredMessage message, boolean duplicate) {
}
