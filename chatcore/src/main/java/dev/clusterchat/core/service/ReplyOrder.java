package dev.clusterchat.core.service;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps a connection's replies in the order of its requests, though a reply may be ready late (a
 * chat message is answered after its commit, while the next requests already run): each queued
 * request takes a ticket as it arrives; its reply is written once every earlier ticket's has been.
 * The dispatcher caps {@link #waiting()}: a connection cannot pile up replies behind a slow commit.
 *
 * <p>Thread safety: confined to the connection's loop.
 */
final class ReplyOrder {
    private long issued;
    private long next;
    /** Replies ready before their turn, by ticket; null until one is. */
    private Map<Long, Runnable> early;

    /** Loop thread: the ticket of a request that has just arrived. */
    long take() {
        return issued++;
    }

    /** Loop thread: tickets taken whose replies are not written yet. */
    long waiting() {
        return issued - next;
    }

    /** Loop thread: writes the reply of {@code ticket} now, or when its turn comes. */
    void ready(long ticket, Runnable write) {
        if (ticket != next) {
            if (early == null) {
                early = new HashMap<>();
            }
            early.put(ticket, write);
            return;
        }
        write.run();
        next++;
        while (early != null && !early.isEmpty()) {
            Runnable w = early.remove(next);
            if (w == null) {
                return;
            }
            w.run();
            next++;
        }
        early = null;
    }
}
