package dev.clusterchat.core.store.journal;

import dev.clusterchat.core.store.StoreException;

/**
 * The journal and its index may disagree (a write that could not be undone, an index that could
 * not take what was written): the store takes no more writes until chatd restarts and replays
 * the file, which is consistent.
 */
final class JournalBrokenException extends StoreException {
    JournalBrokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
