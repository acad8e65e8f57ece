package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.testsupport.KilledWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded H2 store keeps every append it acknowledged when its JVM is killed (SIGKILL) right
 * after: a child JVM appends one message at a time and prints each seq once append() returned; the
 * test kills it mid-stream and opens the database again.
 */
class H2CrashTest {
    private static final int ACKNOWLEDGED_BEFORE_KILL = 300;

    @TempDir
    Path dir;

    /** The child: appends to user 2's inbox until killed, printing each seq after its commit. */
    public static void main(String[] args) {
        JdbcStore store = JdbcStore.embedded(Path.of(args[0]));
        for (long i = 1; ; i++) {
            StoredMessage m = store.append(List.of(NewMessage.direct(1, "u1", 2, "c" + i, "m" + i, null))).get(0)
                    .message();
            System.out.println(m.seq());
            System.out.flush();
        }
    }

    @Test
    void anAcknowledgedAppendSurvivesKillDashNine() throws Exception {
        Path data = dir.resolve("data");
        long acknowledged = KilledWriter.runUntil(H2CrashTest.class, dir, ACKNOWLEDGED_BEFORE_KILL, data.toString());
        try (JdbcStore store = JdbcStore.embedded(data)) {
            assertThat(store.cursors(2).get(0).last()).isGreaterThanOrEqualTo(acknowledged);
            assertThat(store.inbox(2, acknowledged - 1, 1)).extracting(StoredMessage::text)
                    .containsExactly("m" + acknowledged);
        }
    }
}
