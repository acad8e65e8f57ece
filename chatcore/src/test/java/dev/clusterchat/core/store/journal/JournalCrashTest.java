package dev.clusterchat.core.store.journal;

import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.testsupport.KilledWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded store keeps every append it acknowledged when its JVM is killed (SIGKILL) at any
 * point: a child JVM appends batches of 1 to 64 messages and prints the last seq of each once
 * append() returned; the test kills it mid-stream, three times over the same directory, and checks
 * that the inbox holds exactly seqs 1..n with their texts, n at least what was acknowledged.
 */
class JournalCrashTest {
    private static final int ACKNOWLEDGED_PER_ROUND = 5_000;

    @TempDir
    Path dir;

    /** The child: appends batches to user 2's inbox until killed, printing each batch's last seq. */
    public static void main(String[] args) {
        JournalStore store = JournalStore.open(Path.of(args[0]));
        Random random = new Random(Long.parseLong(args[1]));
        long next = store.cursors(2).get(0).last() + 1;
        while (true) {
            List<NewMessage> batch = new ArrayList<>();
            for (int n = 1 + random.nextInt(64); n > 0; n--, next++) {
                batch.add(NewMessage.direct(1, "u1", 2, "c" + next, "m" + next, null));
            }
            List<?> appended = store.append(batch);
            System.out.println(next - 1);
            System.out.flush();
            if (appended.size() != batch.size()) {
                throw new AssertionError("appended " + appended.size());
            }
        }
    }

    @Test
    void everyAcknowledgedAppendSurvivesKillDashNine() throws Exception {
        Path data = dir.resolve("data");
        long acknowledged = 0;
        for (int round = 0; round < 3; round++) {
            acknowledged = KilledWriter.runUntil(JournalCrashTest.class, dir, acknowledged + ACKNOWLEDGED_PER_ROUND,
                    data.toString(), Integer.toString(round));
            try (JournalStore store = JournalStore.open(data)) {
                long last = store.cursors(2).get(0).last();
                assertThat(last).isGreaterThanOrEqualTo(acknowledged);
                for (long after = 0; after < last; after += 1000) {
                    List<StoredMessage> page = store.inbox(2, after, 1000);
                    for (int i = 0; i < page.size(); i++) {
                        long seq = after + i + 1;
                        assertThat(page.get(i).seq()).isEqualTo(seq);
                        assertThat(page.get(i).text()).isEqualTo("m" + seq);
                    }
                }
            }
        }
    }
}
