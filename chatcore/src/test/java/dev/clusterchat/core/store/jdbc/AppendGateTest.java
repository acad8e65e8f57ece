package dev.clusterchat.core.store.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;

class AppendGateTest {
    @TempDir
    Path dir;

    @Test
    void oneGatePerDatabaseWhateverTheUrlSpelling() throws Exception {
        String path = dir.resolve("chat").toString();
        try (Connection a = DriverManager.getConnection("jdbc:h2:file:" + path + ";MODE=MariaDB");
             Connection b = DriverManager.getConnection("jdbc:h2:" + dir.resolve(".").resolve("chat"));
             Connection other = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("other"));
             Connection mem = DriverManager.getConnection("jdbc:h2:mem:gate-test");
             Connection mem2 = DriverManager.getConnection("jdbc:h2:mem:gate-test;MODE=MariaDB")) {
            assertThat(AppendGate.of(a)).isSameAs(AppendGate.of(b)).isNotSameAs(AppendGate.of(other));
            assertThat(AppendGate.of(mem)).isSameAs(AppendGate.of(mem2)).isNotSameAs(AppendGate.of(a));
        }
    }
}
