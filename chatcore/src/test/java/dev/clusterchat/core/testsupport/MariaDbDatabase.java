package dev.clusterchat.core.testsupport;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A database of its own on the real MariaDB (127.0.0.1:3306, root, no password; override with
 * CHAT_TEST_MARIADB_URL / _USER / _PASSWORD), dropped on close, so runs never collide.
 * {@link #create()} skips the calling test (or fails it in CI) when MariaDB is not reachable.
 */
public final class MariaDbDatabase implements AutoCloseable {
    public static final String SERVER_URL = env("CHAT_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
    public static final String USER = env("CHAT_TEST_MARIADB_USER", "root");
    public static final String PASSWORD = env("CHAT_TEST_MARIADB_PASSWORD", "");
    private static final String HOST_PORT = SERVER_URL.replaceFirst("(?i)^jdbc:mariadb://", "").split("[/?]", 2)[0];

    private final String name;

    private MariaDbDatabase(String name) {
        this.name = name;
    }

    public static MariaDbDatabase create() {
        Services.requireTcp("MariaDB", host(), port());
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String name = "chat_test_" + HexFormat.of().formatHex(random);
        execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
        return new MariaDbDatabase(name);
    }

    public String name() {
        return name;
    }

    /** The JDBC URL of this database. */
    public String url() {
        return SERVER_URL.endsWith("/") ? SERVER_URL + name : SERVER_URL + "/" + name;
    }

    @Override
    public void close() {
        execute("DROP DATABASE IF EXISTS `" + name + "`");
    }

    static String host() {
        return HOST_PORT.contains(":") ? HOST_PORT.substring(0, HOST_PORT.lastIndexOf(':')) : HOST_PORT;
    }

    static int port() {
        return HOST_PORT.contains(":") ? Integer.parseInt(HOST_PORT.substring(HOST_PORT.lastIndexOf(':') + 1)) : 3306;
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run: " + sql, e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
