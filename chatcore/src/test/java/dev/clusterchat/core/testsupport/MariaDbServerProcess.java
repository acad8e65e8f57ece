package dev.clusterchat.core.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private mariadbd of the test's own (a fresh data directory from mariadb-install-db, a free
 * port, user root without password) that the test stops, kills and starts again; never the
 * machine's shared MariaDB. Installing takes a moment: share one per test class. {@link #create()}
 * skips the calling test (or fails it in CI) when MariaDB's programs are not installed.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class MariaDbServerProcess implements AutoCloseable {
    public static final String USER = "root";
    public static final String PASSWORD = "";
    /** Small and quick to start and stop; {@code --loose-} so another version ignores what it lacks. */
    private static final List<String> TUNING = List.of("--loose-innodb-buffer-pool-size=16M",
            "--loose-innodb-log-file-size=8M", "--loose-innodb-buffer-pool-dump-at-shutdown=0",
            "--loose-innodb-buffer-pool-load-at-startup=0", "--loose-innodb-use-native-aio=0",
            "--loose-performance-schema=0", "--skip-name-resolve");

    private final Path dir;
    private final int port;
    private final ChildServer server;
    private final AtomicInteger databases = new AtomicInteger();

    private MariaDbServerProcess(Path program, Path dir, int port) {
        this.dir = dir;
        this.port = port;
        List<String> cmd = new ArrayList<>(List.of(program.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mariadbd.sock"),
                "--pid-file=" + dir.resolve("mariadbd.pid")));
        cmd.addAll(asCurrentUser());
        cmd.addAll(TUNING);
        this.server = new ChildServer("mariadbd on port " + port, cmd, dir.resolve("mariadbd.log"), this::acceptsLogin);
    }

    /** Creates a data directory and starts mariadbd on it; returns once root can log in. */
    public static MariaDbServerProcess create() {
        Path mariadbd = Services.requireProgram("mariadbd", "mariadb-server");
        Path installDb = Services.requireProgram("mariadb-install-db", "mariadb-server");
        Path dir;
        try {
            dir = Files.createTempDirectory("chat-mariadb-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            install(installDb, dir);
            MariaDbServerProcess db = new MariaDbServerProcess(mariadbd, dir, ChildServer.freePort());
            try {
                db.start();
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            return db;
        } catch (RuntimeException e) {
            ChildServer.deleteTree(dir);
            throw e;
        }
    }

    private static void install(Path installDb, Path dir) {
        List<String> cmd = new ArrayList<>(List.of(installDb.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        cmd.addAll(asCurrentUser());
        cmd.addAll(TUNING);
        Path log = dir.resolve("install.log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db did not finish in 60 s:\n" + Files.readString(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("mariadb-install-db exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing MariaDB in " + dir, e);
        }
    }

    /** mariadbd refuses to run as root unless told to. */
    private static List<String> asCurrentUser() {
        String user = System.getProperty("user.name");
        return "root".equals(user) ? List.of("--user=root") : List.of();
    }

    public int port() {
        return port;
    }

    /** Creates a new, empty database (utf8mb4, as chatd's) and returns its JDBC URL. */
    public String createDatabase() {
        String name = "chat_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(serverUrl(), USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on port " + port, e);
        }
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + name;
    }

    /** Starts the server again on the same port and data and waits until root can log in (after crash recovery). */
    public void start() {
        server.start();
    }

    /** SIGTERM: a clean shutdown. */
    public void stop() {
        server.stop();
    }

    /** SIGKILL: a crash; the next start recovers from InnoDB's log. */
    public void kill() {
        server.kill();
    }

    /** {@link #stop()} then {@link #start()}. */
    public void restart() {
        stop();
        start();
    }

    public boolean running() {
        return server.running();
    }

    /** Kills the server and deletes its data directory. */
    @Override
    public void close() {
        server.close();
        ChildServer.deleteTree(dir);
    }

    private String serverUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=1000";
    }

    private boolean acceptsLogin() {
        try (Connection c = DriverManager.getConnection(serverUrl(), USER, PASSWORD)) {
            return c.isValid(1);
        } catch (SQLException notYet) {
            return false;
        }
    }
}
