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
public final class MariaDbServerProcess extends ChildServer {
    public static final String USER = "root";
    public static final String PASSWORD = "";
    /** Small and quick to start and stop; {@code --loose-} so another version ignores what it lacks. */
    private static final List<String> TUNING = List.of("--loose-innodb-buffer-pool-size=16M",
            "--loose-innodb-log-file-size=8M", "--loose-innodb-buffer-pool-dump-at-shutdown=0",
            "--loose-innodb-buffer-pool-load-at-startup=0", "--loose-innodb-use-native-aio=0",
            "--loose-performance-schema=0", "--skip-name-resolve");

    private final Path program;
    private final AtomicInteger databases = new AtomicInteger();

    private MariaDbServerProcess(Path program) {
        super("mariadbd", newDirectory("chat-mariadb-"));
        this.program = program;
    }

    /** Creates a data directory and starts mariadbd on it; returns once root can log in. */
    public static MariaDbServerProcess create() {
        Path mariadbd = Services.requireProgram("mariadbd", "mariadb-server");
        Path installDb = Services.requireProgram("mariadb-install-db", "mariadb-server");
        MariaDbServerProcess db = new MariaDbServerProcess(mariadbd);
        try {
            db.install(installDb);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return started(db);
    }

    private void install(Path installDb) {
        List<String> cmd = new ArrayList<>(List.of(installDb.toString(), "--no-defaults", "--datadir=" + dir().resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        cmd.addAll(asCurrentUser());
        cmd.addAll(TUNING);
        Path log = dir().resolve("install.log");
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
            throw new IllegalStateException("interrupted while installing MariaDB in " + dir(), e);
        }
    }

    /** mariadbd refuses to run as root unless told to. */
    private static List<String> asCurrentUser() {
        return "root".equals(System.getProperty("user.name")) ? List.of("--user=root") : List.of();
    }

    /** Creates a new, empty database (utf8mb4, as chatd's) and returns its JDBC URL. */
    public String createDatabase() {
        String name = "chat_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(serverUrl(), USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on port " + port(), e);
        }
        return "jdbc:mariadb://127.0.0.1:" + port() + "/" + name;
    }

    @Override
    List<String> command() {
        List<String> cmd = new ArrayList<>(List.of(program.toString(), "--no-defaults", "--datadir=" + dir().resolve("data"),
                "--port=" + port(), "--bind-address=127.0.0.1", "--socket=" + dir().resolve("mariadbd.sock"),
                "--pid-file=" + dir().resolve("mariadbd.pid")));
        cmd.addAll(asCurrentUser());
        cmd.addAll(TUNING);
        return cmd;
    }

    /** Root can log in: after a crash, InnoDB's recovery is done. */
    @Override
    boolean ready() {
        try (Connection c = DriverManager.getConnection(serverUrl(), USER, PASSWORD)) {
            return c.isValid(1);
        } catch (SQLException notYet) {
            return false;
        }
    }

    private String serverUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port() + "/?connectTimeout=1000";
    }
}
