package dev.clusterchat.core.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per H2 database in this JVM, taken around each append transaction (before a connection
 * is borrowed, so nothing holding a connection waits for it): every store in this JVM on that
 * database appends one batch at a time, whatever URL spelling it was opened with. Two concurrent
 * appends on H2 once reserved the same seqs in CI (a unique-key violation on a group's seq after
 * three attempts; not reproduced since): with the gate H2's row locks are not on the seq path.
 * Processes sharing an H2 database through its server mode ({@code jdbc:h2:tcp:},
 * {@code AUTO_SERVER}) are not covered: there the appender's retries are all there is. MariaDB
 * needs no gate: its counter rows serialize appenders across nodes. Thread-safe.
 */
final class AppendGate {
    private static final ConcurrentMap<String, ReentrantLock> GATES = new ConcurrentHashMap<>();

    private AppendGate() {
    }

    /**
     * Thread-safe: the lock of the H2 database a connection is on, found by H2's own name for it
     * (the file path; an in-memory database's name).
     */
    static ReentrantLock of(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT DATABASE_PATH(), DATABASE()")) {
            rs.next();
            String path = rs.getString(1);
            return of(path != null ? "file:" + path : "mem:" + rs.getString(2));
        }
    }

    /** Thread-safe: the lock of a database by its identity. */
    static ReentrantLock of(String database) {
        return GATES.computeIfAbsent(database, d -> new ReentrantLock());
    }
}
