package dev.clusterchat.core.service;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * User ids known to exist. Users are never deleted and ids never reused, so once seen an id stays
 * valid: a one-to-one message to a known recipient needs no database lookup to check it. Bounded:
 * past {@link #MAX} ids, new ones are simply not remembered (and looked up as before).
 *
 * <p>Thread safety: thread-safe.
 */
final class KnownUsers {
    static final int MAX = 1_000_000;

    private final Set<Long> ids = ConcurrentHashMap.newKeySet();

    boolean contains(long id) {
        return ids.contains(id);
    }

    void add(long id) {
        if (ids.size() < MAX) {
            ids.add(id);
        }
    }
}
