package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.ChatStoreContractTest;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.testsupport.TcpProxy;
import dev.clusterchat.core.testsupport.Services;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract on a real MariaDB (127.0.0.1:3306, root, no password; override with
 * CHAT_TEST_MARIADB_URL / _USER / _PASSWORD). Each run of this class works in its own database
 * {@code chat_test_<hex>}, emptied before each test and dropped at the end.
 */
class MariaDbStoreTest extends ChatStoreContractTest {
    private static final String SERVER_URL = env("CHAT_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
    private static final String USER = env("CHAT_TEST_MARIADB_USER", "root");
    private static final String PASSWORD = env("CHAT_TEST_MARIADB_PASSWORD", "");
    private static final List<String> TABLES = List.of("`user`", "friend", "allgroup", "groupuser", "message",
            "inbox", "groupseq");
    private static final String HOST_PORT = SERVER_URL.replaceFirst("(?i)^jdbc:mariadb://", "").split("[/?]", 2)[0];
    private static final String HOST = HOST_PORT.contains(":") ? HOST_PORT.substring(0, HOST_PORT.lastIndexOf(':')) : HOST_PORT;
    private static final int PORT = HOST_PORT.contains(":")
            ? Integer.parseInt(HOST_PORT.substring(HOST_PORT.lastIndexOf(':') + 1)) : 3306;
    private static String database;

    /** Creates this run's database if the server is up; each test then skips (or fails) if it is not. */
    @BeforeAll
    static void createDatabase() throws SQLException {
        if (!Services.reachable(HOST, PORT)) {
            return;
        }
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String name = "chat_test_" + HexFormat.of().formatHex(random);
        execute(SERVER_URL, "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
        database = name;
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (database != null) {
            execute(SERVER_URL, "DROP DATABASE IF EXISTS `" + database + "`");
        }
    }

    @Override
    protected ChatStore otherNode() {
        return JdbcStore.open(databaseUrl(), USER, PASSWORD, 4);
    }

    @Override
    protected ChatStore newStore() {
        Services.requireTcp("MariaDB", HOST, PORT);
        JdbcStore store = JdbcStore.open(databaseUrl(), USER, PASSWORD, 4);
        try {
            execute(databaseUrl(), TABLES.stream().map(t -> "TRUNCATE TABLE " + t).toArray(String[]::new));
        } catch (SQLException e) {
            store.close();
            throw new IllegalStateException("cannot empty " + database, e);
        }
        return store;
    }

    @Test
    void schemaAppliesAgainWithoutError() throws SQLException {
        long alice = user("alice");
        try (Connection c = DriverManager.getConnection(databaseUrl(), USER, PASSWORD)) {
            Schema.apply(c, Dialect.MARIADB);
            Schema.apply(c, Dialect.MARIADB);
        }
        try (JdbcStore second = JdbcStore.open(databaseUrl(), USER, PASSWORD, 1)) {
            assertThat(second.findUser(alice)).isPresent();
        }
        assertThat(store.findUser(alice)).isPresent();
    }

    @Test
    void membersFromBeforeReliableDeliveryGetACursorAtZero() throws SQLException {
        long alice = user("alice");
        long bob = user("bob");
        long g = store.createGroup("team", "", alice);
        store.joinGroup(g, bob);
        execute(databaseUrl(), "ALTER TABLE groupuser DROP COLUMN acked");
        try (Connection c = DriverManager.getConnection(databaseUrl(), USER, PASSWORD)) {
            Schema.apply(c, Dialect.MARIADB);
        }
        assertThat(store.cursors(bob)).containsExactly(new Cursor(0, 0, 0), new Cursor(g, 0, 0));
        store.append(List.of(NewMessage.group(alice, "alice", g, null, "first", null)));
        store.ack(bob, g, 1);
        assertThat(store.cursors(bob)).containsExactly(new Cursor(0, 0, 0), new Cursor(g, 1, 1));
    }

    @Test
    void everyTableIsInnoDbUtf8mb4() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(databaseUrl(), USER, PASSWORD);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name, engine, table_collation FROM information_schema.tables"
                     + " WHERE table_schema = '" + database + "' ORDER BY table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        assertThat(tables).containsExactly(
                "allgroup InnoDB utf8mb4_nopad_bin", "friend InnoDB utf8mb4_nopad_bin",
                "groupseq InnoDB utf8mb4_nopad_bin", "groupuser InnoDB utf8mb4_nopad_bin",
                "inbox InnoDB utf8mb4_nopad_bin", "message InnoDB utf8mb4_nopad_bin",
                "user InnoDB utf8mb4_nopad_bin");
    }

    @Test
    void theCheckFailsWhileTheDatabaseIsCutOffAndPassesOnceItIsBack() throws Exception {
        try (TcpProxy proxy = new TcpProxy(HOST, PORT);
             JdbcStore viaProxy = JdbcStore.open(databaseUrl().replace(HOST_PORT, "127.0.0.1:" + proxy.port()),
                     USER, PASSWORD, 2, Duration.ofSeconds(2))) {
            viaProxy.check();
            proxy.cut();
            assertThatThrownBy(viaProxy::check).isInstanceOf(StoreException.class);
            proxy.restore();
            viaProxy.check();
        }
    }

    private static String databaseUrl() {
        String[] parts = SERVER_URL.split("\\?", 2);
        String base = parts[0].endsWith("/") ? parts[0] : parts[0] + "/";
        return base + database + (parts.length > 1 ? "?" + parts[1] : "");
    }

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
