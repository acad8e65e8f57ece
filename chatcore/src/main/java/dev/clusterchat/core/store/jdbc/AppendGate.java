package dev.clusterchat.core.store.jdbc;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per embedded H2 database in this JVM, taken around each append transaction: every store
 * on that database (an embedded database is opened by one process only) appends one batch at a time.
 * The seq counters are then never contended in H2, whose row locks let two concurrent appends reserve
 * the same seqs once in thousands of runs (seen in CI as a unique-key violation on a group's seq after
 * three attempts). MariaDB needs no gate: its counter rows serialize appenders across nodes.
 * Thread-safe.
 */
final class AppendGate {
    private static final ConcurrentMap<String, ReentrantLock> GATES = new ConcurrentHashMap<>();

    private AppendGate() {
    }

    /** Thread-safe: the lock of the database a completed H2 URL names (its options ignored). */
    static ReentrantLock of(String h2Url) {
        int options = h2Url.indexOf(';');
        String database = (options < 0 ? h2Url : h2Url.substring(0, options)).toLowerCase(Locale.ROOT);
        return GATES.computeIfAbsent(database, d -> new ReentrantLock());
    }
}
