package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.StoreException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A small bounded pool of JDBC connections. At most {@code size} connections are lent at once; a
 * borrower waits up to the timeout for one. An idle connection is checked before it is lent again
 * (unless it was returned within the alive-bypass window, as HikariCP does) and replaced if dead.
 * Once a connection breaks, the database may have restarted: every idle one is checked again
 * before it is lent, however recently it was returned.
 * Connections run at READ COMMITTED: H2's default, and for InnoDB it means no gap locks, so
 * concurrent inserts and deletes of one user's offline messages do not deadlock.
 *
 * <pre>
 *   borrow():      permit (waits up to timeout) -> newest idle connection, if alive -> else a new one
 *   Lease.close(): roll back an open transaction -> idle again, or closed if broken -> permit back
 * </pre>
 *
 * Thread-safe; a {@link Lease} belongs to the thread that borrowed it.
 */
final class ConnectionPool implements AutoCloseable {
    static final Duration DEFAULT_ALIVE_BYPASS = Duration.ofMillis(500);
    private static final int VALIDATION_TIMEOUT_SECONDS = 2;
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)((?:password|pwd)[a-z0-9_.]*=)[^&;]*");
    private static final Pattern SECRET_USERINFO = Pattern.compile("(//[^/:@]*:)[^@/]*@");

    private final String url;
    private final String safeUrl;
    private final String user;
    private final Properties properties;
    private final int size;
    private final Duration timeout;
    private final long aliveBypassNanos;
    private final Semaphore permits;
    private final ArrayDeque<Idle> idle = new ArrayDeque<>(); // guarded by this, newest first
    private boolean closed; // guarded by this

    private record Idle(Connection connection, long returnedAt) {
    }

    ConnectionPool(String url, String user, String password, Properties extra, int size, Duration timeout,
                   Duration aliveBypass) {
        if (size < 1) {
            throw new IllegalArgumentException("poolSize cannot be less than 1: " + size);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("borrowTimeout must be positive: " + timeout);
        }
        this.url = url;
        this.safeUrl = redact(url);
        this.user = user;
        this.properties = new Properties();
        this.properties.putAll(extra);
        if (user != null) {
            this.properties.setProperty("user", user);
        }
        if (password != null) {
            this.properties.setProperty("password", password);
        }
        this.size = size;
        this.timeout = timeout;
        this.aliveBypassNanos = aliveBypass.toNanos();
        this.permits = new Semaphore(size, true);
    }

    /** Thread-safe: lends a live connection, waiting up to the timeout for a free one. */
    Lease borrow() {
        checkOpen();
        try {
            if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new StoreException("no database connection available within " + seconds(timeout)
                        + " (pool size " + size + ", " + safeUrl + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a database connection to " + safeUrl, e);
        }
        try {
            for (Idle i = pollIdle(); i != null; i = pollIdle()) {
                if (System.nanoTime() - i.returnedAt < aliveBypassNanos || isAlive(i.connection)) {
                    return new Lease(i.connection);
                }
                closeQuietly(i.connection);
            }
            return new Lease(connect());
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** The URL with any password masked, for messages. */
    String safeUrl() {
        return safeUrl;
    }

    /** Thread-safe, idempotent: closes the idle connections now and lent ones when they come back. */
    @Override
    public void close() {
        List<Idle> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle);
            idle.clear();
        }
        toClose.forEach(i -> closeQuietly(i.connection));
    }

    /** Masks passwords in a JDBC URL: {@code password=...}, {@code pwd=...} and {@code //user:secret@}. */
    static String redact(String url) {
        String s = SECRET_PARAMETER.matcher(url).replaceAll("$1***");
        return SECRET_USERINFO.matcher(s).replaceAll("$1***@");
    }

    private Connection connect() {
        try {
            Connection c = DriverManager.getConnection(url, properties);
            try {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
            return c;
        } catch (SQLException e) {
            throw new StoreException("cannot connect to " + safeUrl + " as user '" + user + "': "
                    + redact(String.valueOf(e.getMessage())), e);
        }
    }

    private synchronized Idle pollIdle() {
        checkOpen();
        return idle.pollFirst();
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new StoreException("store is closed: " + safeUrl);
        }
    }

    private void release(Connection connection, boolean reusable) {
        boolean keep;
        synchronized (this) {
            if (!reusable) {
                distrustIdle();
            }
            keep = reusable && !closed;
            if (keep) {
                idle.addFirst(new Idle(connection, System.nanoTime()));
            }
        }
        if (!keep) {
            closeQuietly(connection);
        }
        permits.release();
    }

    /** Guarded by this: the idle connections lose the alive bypass (returned "long ago"), order kept. */
    private void distrustIdle() {
        long longAgo = System.nanoTime() - aliveBypassNanos;
        for (int n = idle.size(); n > 0; n--) {
            idle.addLast(new Idle(idle.pollFirst().connection, longAgo));
        }
    }

    private static boolean isAlive(Connection connection) {
        try {
            return connection.isValid(VALIDATION_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            // already broken: nothing more to release
        }
    }

    private static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis / 1000.0 + "s";
    }

    /** One borrowed connection; closing it gives the connection back. Borrowing thread only. */
    final class Lease implements AutoCloseable {
        private final Connection connection;
        private boolean broken;
        private boolean returned;

        private Lease(Connection connection) {
            this.connection = connection;
        }

        Connection connection() {
            return connection;
        }

        /** Notes a failure; a connection-level one (SQLState 08...) means the connection is dropped. */
        void failed(SQLException e) {
            if (e instanceof SQLNonTransientConnectionException || e instanceof SQLRecoverableException
                    || (e.getSQLState() != null && e.getSQLState().startsWith("08"))) {
                broken = true;
            }
        }

        /** Rolls back a transaction left open, restores autocommit, and gives the connection back. */
        @Override
        public void close() {
            if (returned) {
                return;
            }
            returned = true;
            release(connection, !broken && reset(connection));
        }

        private boolean reset(Connection c) {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                return true;
            } catch (SQLException e) {
                return false;
            }
        }
    }
}
