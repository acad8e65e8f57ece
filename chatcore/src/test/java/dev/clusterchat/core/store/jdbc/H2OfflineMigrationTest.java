package dev.clusterchat.core.store.jdbc;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The upgrade from the old offline store on embedded H2 in file mode, as chatd runs by default. */
class H2OfflineMigrationTest extends OfflineMigrationTest {
    @TempDir
    Path dataDir;

    @Override
    protected JdbcStore open() {
        return JdbcStore.embedded(dataDir);
    }

    /** The URL {@link JdbcStore#embedded} opens. */
    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(Dialect.H2.completeUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().normalize()
                .resolve("chat") + ";MODE=MariaDB;DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000"), "sa", "");
    }
}
