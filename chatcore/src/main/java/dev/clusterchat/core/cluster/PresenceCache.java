package dev.clusterchat.core.cluster;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Where users were found online on other nodes, for a short time, so that a burst of messages to
 * the same recipients costs one presence lookup, not one per message. Only positive answers are
 * kept (a user found offline is looked up again next time, so a login is seen at once).
 *
 * <p>Why a stale entry loses nothing: a message published to a node the user has left is stored
 * there, and that node asks the node now holding the user to send it at once (Deliverer's
 * store-then-sync); a node that is gone has no subscriber, the publish reports it, the message is
 * stored, and that node's entries are dropped.
 *
 * <p>Thread safety: thread-safe.
 */
final class PresenceCache {
    static final int MAX_ENTRIES = 200_000;

    private record Entry(String node, long at) {
    }

    private final long ttlNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();

    PresenceCache(long ttlNanos, LongSupplier nanoClock) {
        this.ttlNanos = ttlNanos;
        this.clock = nanoClock;
    }

    /** The node the user was seen on within the time to live, or null. */
    String get(long userId) {
        Entry e = entries.get(userId);
        if (e == null) {
            return null;
        }
        if (clock.getAsLong() - e.at() >= ttlNanos) {
            entries.remove(userId, e);
            return null;
        }
        return e.node();
    }

    void put(long userId, String node) {
        long now = clock.getAsLong();
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> now - e.at() >= ttlNanos);
            if (entries.size() >= MAX_ENTRIES) {
                return;
            }
        }
        entries.put(userId, new Entry(node, now));
    }

    /** The node did not take a message (it is gone): forget everyone seen there. */
    void forgetNode(String node) {
        entries.values().removeIf(e -> e.node().equals(node));
    }

    /** Forget everything (after an outage: presence may have changed in any way). */
    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
