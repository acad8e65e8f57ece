package dev.clusterchat.core.store.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AppendGateTest {
    @Test
    void oneGatePerDatabaseWhateverTheOptions() {
        assertThat(AppendGate.of("jdbc:h2:file:/data/chat;MODE=MariaDB;WRITE_DELAY=0"))
                .isSameAs(AppendGate.of("jdbc:h2:file:/data/chat"))
                .isSameAs(AppendGate.of("JDBC:H2:FILE:/data/chat;LOCK_TIMEOUT=10000"))
                .isNotSameAs(AppendGate.of("jdbc:h2:file:/data/other;MODE=MariaDB"));
    }
}
