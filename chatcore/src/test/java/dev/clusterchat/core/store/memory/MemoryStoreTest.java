package dev.clusterchat.core.store.memory;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.ChatStoreContractTest;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract on the in-memory store, plus its retention rule. */
class MemoryStoreTest extends ChatStoreContractTest {
    @Override
    protected ChatStore newStore() {
        return new MemoryStore();
    }

    private static List<Long> seqs(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::seq).toList();
    }

    /** n messages with cmids {@code prefix + i}. */
    private static List<NewMessage> direct(long from, long to, String prefix, int n) {
        List<NewMessage> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(NewMessage.direct(from, "u" + from, to, prefix + i, "m" + i, null));
        }
        return batch;
    }

    @Test
    void anInboxKeepsWhatIsUnacknowledgedPlusTheNewestForHistory() {
        try (MemoryStore small = new MemoryStore(3)) {
            List<NewMessage> ten = direct(1, 2, "c", 10);
            small.append(ten);
            assertThat(seqs(small.inbox(2, 0, 100))).hasSize(10);
            small.ack(2, 0, 6);
            assertThat(seqs(small.inbox(2, 0, 100))).containsExactly(7L, 8L, 9L, 10L);
            small.ack(2, 0, 10);
            assertThat(seqs(small.inbox(2, 0, 100))).containsExactly(8L, 9L, 10L);
            assertThat(small.conversation(1, 2, 0, 100)).hasSize(3);
            assertThat(small.append(ten.subList(7, 10))).extracting(Appended::duplicate).containsOnly(true);
            assertThat(small.append(ten.subList(6, 7))).extracting(Appended::duplicate).containsOnly(false);
            assertThat(small.cursors(2).get(0).last()).isEqualTo(11); // the cmid of a dropped message is forgotten
        }
    }

    @Test
    void aGroupKeepsWhatItsSlowestMemberHasNotAcknowledged() {
        try (MemoryStore small = new MemoryStore(2)) {
            long a = small.createUser("a", password(1));
            long b = small.createUser("b", password(2));
            long g = small.createGroup("team", "", a);
            small.joinGroup(g, b);
            for (int i = 0; i < 6; i++) {
                small.append(List.of(NewMessage.group(a, "a", g, null, "m" + i, null)));
            }
            small.ack(a, g, 6);
            small.ack(b, g, 3);
            assertThat(seqs(small.groupMessages(g, 0, 100))).containsExactly(4L, 5L, 6L);
            small.ack(b, g, 6);
            assertThat(seqs(small.groupMessages(g, 0, 100))).containsExactly(5L, 6L);
            assertThat(seqs(small.groupHistory(g, 0, 100))).containsExactly(6L, 5L);
        }
    }

    @Test
    void aLongRunKeepsOnlyTheNewestOfAcknowledgedTimelines() {
        try (MemoryStore small = new MemoryStore(5)) {
            for (int round = 0; round < 2_000; round++) {
                List<Appended> r = small.append(direct(1, 2 + round % 7, "r" + round + "-", 20));
                small.ack(2 + round % 7, 0, r.get(19).message().seq());
            }
            for (long user = 2; user < 9; user++) {
                assertThat(small.inbox(user, 0, 1000)).hasSize(5);
            }
        }
    }

    @Test
    void historyCannotBeNegative() {
        assertThatThrownBy(() -> new MemoryStore(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("historyPerTimeline");
    }
}
