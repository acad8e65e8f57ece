package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.testsupport.MariaDbDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade from the old offline store on a real MariaDB, in a database of each test's own; plus
 * nodes that start at once (an embedded H2 database is opened by one process only) and a start that
 * is killed midway.
 */
class MariaDbOfflineMigrationTest extends OfflineMigrationTest {
    private MariaDbDatabase database;

    @BeforeEach
    void createDatabase() {
        database = MariaDbDatabase.create();
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected JdbcStore open() {
        return JdbcStore.open(database.url(), MariaDbDatabase.USER, MariaDbDatabase.PASSWORD, 4);
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(database.url(), MariaDbDatabase.USER, MariaDbDatabase.PASSWORD);
    }

    @Test
    void nodesStartingAtOnceMoveEveryRowOnce() throws Exception {
        Numbered rows = numberedRows(2_000);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<JdbcStore>> opening = new ArrayList<>();
        List<Object> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                opening.add(pool.submit(() -> {
                    start.await();
                    return open();
                }));
            }
            start.countDown();
            for (Future<JdbcStore> f : opening) {
                try {
                    JdbcStore opened = f.get(60, TimeUnit.SECONDS);
                    opened.close();
                    outcomes.add("opened");
                } catch (Exception e) {
                    outcomes.add(e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(outcomes).containsOnly("opened");
        try (JdbcStore store = open()) {
            assertMovedInOrder(store, rows);
        }
    }

    /** The child of {@link #aStartKilledMidwayIsFinishedByTheNextOne}: opens a store on the database args[0]. */
    public static void main(String[] args) {
        JdbcStore.open(args[0], MariaDbDatabase.USER, MariaDbDatabase.PASSWORD, 1).close();
    }

    @Test
    void aStartKilledMidwayIsFinishedByTheNextOne() throws Exception {
        Numbered rows = numberedRows(30_000);
        Path stderr = Files.createTempFile("offline-migration-child", ".err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MariaDbOfflineMigrationTest.class.getName(),
                database.url())
                .redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long movedAtKill = 0;
        try (Connection c = connect(); Statement st = c.createStatement()) {
            while (movedAtKill == 0 && child.isAlive()) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM message")) {
                    rs.next();
                    movedAtKill = rs.getLong(1);
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: its transaction dies with its connection
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("child killed").isTrue();
        }
        assertThat(movedAtKill).as("moved when killed; the child's stderr: %s", Files.readString(stderr))
                .isBetween(1L, rows.rows() - 1L);
        Files.delete(stderr);
        try (JdbcStore store = open()) {
            assertMovedInOrder(store, rows);
        }
    }
}
