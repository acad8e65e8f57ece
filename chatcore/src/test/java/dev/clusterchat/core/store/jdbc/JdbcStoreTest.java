package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.StoreException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JdbcStore's opening, URLs, dialects and schema script; needs no database server. */
class JdbcStoreTest {

    @Test
    void bundledSchemaIsTheRepositorysSchemaSql() throws IOException {
        assertThat(Schema.script()).isEqualTo(Files.readString(Path.of("..", "schema.sql")));
    }

    @Test
    void schemaSplitsIntoItsIdempotentStatements() {
        List<String> statements = Schema.statements(Schema.script());
        assertThat(statements).hasSize(8).noneSatisfy(s -> assertThat(s).contains("--").endsWith(";"));
        assertThat(statements).filteredOn(s -> s.startsWith("CREATE TABLE IF NOT EXISTS")).hasSize(7);
        assertThat(statements).filteredOn(s -> s.startsWith("ALTER TABLE")).singleElement().asString()
                .contains("ADD COLUMN IF NOT EXISTS");
        assertThat(statements.get(0)).startsWith("CREATE TABLE IF NOT EXISTS `user`");
    }

    @Test
    void h2GetsRoomForFiftyCodePointsInUtf16() {
        assertThat(Dialect.H2.adaptSchema("name VARCHAR(50) NOT NULL, d VARCHAR(200)"))
                .isEqualTo("name VARCHAR(100) NOT NULL, d VARCHAR(400)");
        assertThat(Dialect.MARIADB.adaptSchema("name VARCHAR(50)")).isEqualTo("name VARCHAR(50)");
    }

    @Test
    void dialectComesFromTheUrl() {
        assertThat(Dialect.of("jdbc:h2:mem:x")).isEqualTo(Dialect.H2);
        assertThat(Dialect.of("jdbc:mariadb://127.0.0.1/chat")).isEqualTo(Dialect.MARIADB);
        assertThatThrownBy(() -> Dialect.of("jdbc:postgresql://h/db?password=s3cret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbcUrl").hasMessageContaining("jdbc:postgresql://h/db")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void h2UrlsGetMariaDbModeUnlessTheyHaveIt() {
        assertThat(Dialect.H2.completeUrl("jdbc:h2:mem:x"))
                .isEqualTo("jdbc:h2:mem:x;MODE=MariaDB;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0");
        assertThat(Dialect.H2.completeUrl("jdbc:h2:mem:x;mode=mariadb;DATABASE_TO_LOWER=TRUE;write_delay=100"))
                .isEqualTo("jdbc:h2:mem:x;mode=mariadb;DATABASE_TO_LOWER=TRUE;write_delay=100");
        assertThatThrownBy(() -> Dialect.H2.completeUrl("jdbc:h2:mem:x;MODE=PostgreSQL"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MODE=MariaDB");
        assertThat(Dialect.MARIADB.completeUrl("jdbc:mariadb://h/db")).isEqualTo("jdbc:mariadb://h/db");
    }

    @Test
    void passwordsAreMaskedInUrls() {
        assertThat(ConnectionPool.redact("jdbc:mariadb://h:3306/db?user=root&password=s3cret&x=1"))
                .isEqualTo("jdbc:mariadb://h:3306/db?user=root&password=***&x=1");
        assertThat(ConnectionPool.redact("jdbc:mariadb://root:s3cret@h/db")).isEqualTo("jdbc:mariadb://root:***@h/db");
        assertThat(ConnectionPool.redact("jdbc:h2:file:/d/chat;USER=sa;PASSWORD=s3cret;MODE=MariaDB"))
                .isEqualTo("jdbc:h2:file:/d/chat;USER=sa;PASSWORD=***;MODE=MariaDB");
        assertThat(ConnectionPool.redact("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
    }

    @Test
    void duplicateKeysAreRecognisedByStateOrCode() {
        assertThat(Dialect.isDuplicateKey(new SQLException("h2", "23505", 23505))).isTrue();
        assertThat(Dialect.isDuplicateKey(new SQLException("mariadb", "23000", 1062))).isTrue();
        assertThat(Dialect.isDuplicateKey(new SQLException("wrapped", new SQLException("inner", "23505")))).isTrue();
        assertThat(Dialect.isDuplicateKey(new SQLException("not null", "23000", 1048))).isFalse();
        assertThat(Dialect.isRetryable(new SQLException("deadlock", "40001", 1213))).isTrue();
    }

    @Test
    void unreachableDatabaseFailsNamingTheUrlButNotThePassword() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/chat?password=s3cret";
        assertThatThrownBy(() -> JdbcStore.open(url, "root", "s3cret", 2))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot connect to jdbc:mariadb://127.0.0.1:" + port + "/chat?password=***")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void plainH2UrlWorks() {
        try (JdbcStore store = JdbcStore.open("jdbc:h2:mem:" + UUID.randomUUID(), "sa", "", 2)) {
            long id = store.createUser("alice", new PasswordHash("x", 1, new byte[0], new byte[0]));
            assertThat(store.user(id)).isPresent();
            assertThat(store.toString()).startsWith("JdbcStore[H2, jdbc:h2:mem:").contains(";MODE=MariaDB");
        }
    }

    @Test
    void aClosedStoreFailsItsCheck() {
        JdbcStore store = JdbcStore.open("jdbc:h2:mem:" + UUID.randomUUID(), "sa", "", 2);
        store.check();
        store.close();
        assertThatThrownBy(store::check).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }

    @Test
    void argumentsAreCheckedEagerly() {
        assertThatThrownBy(() -> JdbcStore.open("jdbc:h2:mem:x", "sa", "", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> JdbcStore.open(null, "sa", "", 1))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("jdbcUrl");
        assertThatThrownBy(() -> JdbcStore.embedded(Path.of("/tmp/a;b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataDir");
    }
}
