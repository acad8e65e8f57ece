package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.StoreException;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs a unit of SQL work on a pooled connection, in autocommit mode or as one transaction; runs it
 * again after a deadlock (which rolled it back whole), and wraps any other {@link SQLException} in a
 * {@link StoreException} that says what failed where. Thread-safe.
 */
final class SqlRunner implements AutoCloseable {
    private static final int MAX_ATTEMPTS = 3;

    private final ConnectionPool pool;

    /** Work on one connection; it may throw unchecked store exceptions (e.g. a taken name) too. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    SqlRunner(ConnectionPool pool) {
        this.pool = pool;
    }

    /** Thread-safe: runs single-statement work in autocommit mode. */
    <T> T call(String what, SqlWork<T> work) {
        return run(what, false, work);
    }

    /** Thread-safe: runs work in one transaction; on failure the lease rolls it back. */
    <T> T transaction(String what, SqlWork<T> work) {
        return run(what, true, work);
    }

    /** The URL with any password masked. */
    String safeUrl() {
        return pool.safeUrl();
    }

    /** Thread-safe, idempotent: closes the pool. */
    @Override
    public void close() {
        pool.close();
    }

    private <T> T run(String what, boolean transaction, SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (ConnectionPool.Lease lease = pool.borrow()) {
                Connection c = lease.connection();
                try {
                    if (transaction) {
                        c.setAutoCommit(false);
                    }
                    T result = work.run(c);
                    if (transaction) {
                        c.commit();
                    }
                    return result;
                } catch (SQLException e) {
                    lease.failed(e);
                    if (attempt == MAX_ATTEMPTS || !Dialect.isRetryable(e)) {
                        throw new StoreException(what + " failed on " + pool.safeUrl() + ": " + e.getMessage()
                                + " [SQLState " + e.getSQLState() + ", error " + e.getErrorCode() + "]", e);
                    }
                }
            }
        }
    }
}
