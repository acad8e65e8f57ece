package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-written pool, on an in-memory H2 database. */
class ConnectionPoolTest {
    private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private final List<ConnectionPool> pools = new ArrayList<>();

    private ConnectionPool pool(int size, Duration timeout, Duration aliveBypass) {
        ConnectionPool p = new ConnectionPool(url, "sa", "", new Properties(), size, timeout, aliveBypass);
        pools.add(p);
        return p;
    }

    @AfterEach
    void closePools() throws SQLException {
        pools.forEach(ConnectionPool::close);
        try (ConnectionPool p = new ConnectionPool(url, "sa", "", new Properties(), 1, Duration.ofSeconds(1), Duration.ZERO);
             ConnectionPool.Lease lease = p.borrow(); Statement st = lease.connection().createStatement()) {
            st.execute("SHUTDOWN");
        }
    }

    @Test
    void borrowWaitsThenFailsWhenEveryConnectionIsLent() {
        ConnectionPool pool = pool(1, Duration.ofMillis(200), ConnectionPool.DEFAULT_ALIVE_BYPASS);
        ConnectionPool.Lease first = pool.borrow();
        long start = System.nanoTime();
        assertThatThrownBy(pool::borrow).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("no database connection available within 0.2s");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
        Connection c = first.connection();
        first.close();
        first.close(); // idempotent: must not give the permit back twice
        try (ConnectionPool.Lease again = pool.borrow()) {
            assertThat(again.connection()).isSameAs(c);
            assertThatThrownBy(pool::borrow).isInstanceOf(StoreException.class);
        }
    }

    @Test
    void neverLendsMoreThanItsSize() throws Exception {
        ConnectionPool pool = pool(3, Duration.ofSeconds(10), ConnectionPool.DEFAULT_ALIVE_BYPASS);
        AtomicInteger lent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(threads.submit(() -> {
                start.await();
                for (int n = 0; n < 50; n++) {
                    try (ConnectionPool.Lease lease = pool.borrow()) {
                        most.accumulateAndGet(lent.incrementAndGet(), Math::max);
                        lease.connection().isValid(1);
                        lent.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        threads.shutdown();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (Future<?> f : futures) {
            f.get();
        }
        assertThat(most.get()).isBetween(1, 3);
    }

    @Test
    void deadIdleConnectionIsReplacedOnBorrow() throws SQLException {
        ConnectionPool pool = pool(2, Duration.ofSeconds(1), Duration.ZERO);
        int session;
        try (ConnectionPool.Lease lease = pool.borrow()) {
            session = sessionId(lease.connection());
        }
        try (ConnectionPool other = new ConnectionPool(url, "sa", "", new Properties(), 1, Duration.ofSeconds(1), Duration.ZERO);
             ConnectionPool.Lease lease = other.borrow(); Statement st = lease.connection().createStatement()) {
            st.execute("CALL ABORT_SESSION(" + session + ")");
        }
        try (ConnectionPool.Lease lease = pool.borrow()) {
            assertThat(sessionId(lease.connection())).isNotEqualTo(session);
        }
    }

    @Test
    void afterOneConnectionBreaksTheOtherIdleOnesAreCheckedBeforeTheyAreLent() throws SQLException {
        ConnectionPool pool = pool(2, Duration.ofSeconds(1), Duration.ofMinutes(1));
        ConnectionPool.Lease older = pool.borrow();
        ConnectionPool.Lease newer = pool.borrow();
        int olderSession = sessionId(older.connection());
        int newerSession = sessionId(newer.connection());
        older.close();
        newer.close();
        // the database restarts: both sessions are gone, though just returned
        try (ConnectionPool other = new ConnectionPool(url, "sa", "", new Properties(), 1, Duration.ofSeconds(1), Duration.ZERO);
             ConnectionPool.Lease lease = other.borrow(); Statement st = lease.connection().createStatement()) {
            st.execute("CALL ABORT_SESSION(" + olderSession + ")");
            st.execute("CALL ABORT_SESSION(" + newerSession + ")");
        }
        try (ConnectionPool.Lease lease = pool.borrow()) {
            assertThat(lease.connection()).as("within the bypass: lent unchecked").isSameAs(newer.connection());
            assertThatThrownBy(() -> sessionId(lease.connection())).isInstanceOf(SQLException.class);
            lease.failed(new SQLException("link gone", "08S01"));
        }
        try (ConnectionPool.Lease lease = pool.borrow()) {
            assertThat(lease.connection()).as("checked, found dead, replaced").isNotSameAs(older.connection());
            assertThat(sessionId(lease.connection())).isNotIn(olderSession, newerSession);
        }
    }

    @Test
    void connectionClosedByItsBorrowerIsDropped() throws SQLException {
        ConnectionPool pool = pool(1, Duration.ofSeconds(1), ConnectionPool.DEFAULT_ALIVE_BYPASS);
        Connection closed;
        try (ConnectionPool.Lease lease = pool.borrow()) {
            closed = lease.connection();
            closed.setAutoCommit(false);
            closed.close();
        }
        try (ConnectionPool.Lease lease = pool.borrow()) {
            assertThat(lease.connection()).isNotSameAs(closed);
            assertThat(lease.connection().isValid(1)).isTrue();
        }
    }

    @Test
    void connectionLevelFailureDropsTheConnection() {
        ConnectionPool pool = pool(1, Duration.ofSeconds(1), ConnectionPool.DEFAULT_ALIVE_BYPASS);
        Connection first;
        try (ConnectionPool.Lease lease = pool.borrow()) {
            first = lease.connection();
            lease.failed(new SQLException("link gone", "08S01"));
        }
        try (ConnectionPool.Lease lease = pool.borrow()) {
            assertThat(lease.connection()).isNotSameAs(first);
            lease.failed(new SQLException("syntax", "42000"));
            first = lease.connection();
        }
        try (ConnectionPool.Lease lease = pool.borrow()) {
            assertThat(lease.connection()).isSameAs(first);
        }
    }

    @Test
    void openTransactionIsRolledBackOnReturn() throws SQLException {
        ConnectionPool pool = pool(1, Duration.ofSeconds(1), ConnectionPool.DEFAULT_ALIVE_BYPASS);
        try (ConnectionPool.Lease lease = pool.borrow(); Statement st = lease.connection().createStatement()) {
            st.execute("CREATE TABLE t (x INT)");
            lease.connection().setAutoCommit(false);
            st.execute("INSERT INTO t VALUES (1)");
        }
        try (ConnectionPool.Lease lease = pool.borrow(); Statement st = lease.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
            assertThat(lease.connection().getAutoCommit()).isTrue();
            assertThat(lease.connection().getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void closeClosesIdleAndReturnedConnectionsAndRefusesBorrows() throws SQLException {
        ConnectionPool pool = pool(2, Duration.ofSeconds(1), ConnectionPool.DEFAULT_ALIVE_BYPASS);
        ConnectionPool.Lease idle = pool.borrow();
        ConnectionPool.Lease lent = pool.borrow();
        Connection idleConnection = idle.connection();
        idle.close();
        pool.close();
        pool.close();
        assertThat(idleConnection.isClosed()).isTrue();
        assertThat(lent.connection().isClosed()).isFalse();
        lent.close();
        assertThat(lent.connection().isClosed()).isTrue();
        assertThatThrownBy(pool::borrow).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }

    @Test
    void interruptedBorrowerKeepsItsInterruptFlag() {
        ConnectionPool pool = pool(1, Duration.ofSeconds(10), ConnectionPool.DEFAULT_ALIVE_BYPASS);
        ConnectionPool.Lease held = pool.borrow();
        try {
            Thread.currentThread().interrupt();
            assertThatThrownBy(pool::borrow).isInstanceOf(StoreException.class).hasMessageContaining("interrupted");
            assertThat(Thread.interrupted()).isTrue();
        } finally {
            held.close();
        }
    }

    @Test
    void settingsAreCheckedEagerly() {
        assertThatThrownBy(() -> pool(0, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> pool(1, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("borrowTimeout");
    }

    private static int sessionId(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SESSION_ID()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
