package dev.clusterchat.core.service;

import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.memory.MemoryStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BacklogTest {
    /** A user in 40 groups of 50 messages each plus 50 in its inbox, stored round-robin: msgnos interleave. */
    private static FlakyStore busyUser(Map<Long, Long> from) {
        FlakyStore store = new FlakyStore(new MemoryStore());
        long user = 1;
        from.put(0L, 0L);
        for (long g = 1; g <= 40; g++) {
            from.put(g, 0L);
        }
        for (int round = 0; round < 50; round++) {
            List<NewMessage> batch = new ArrayList<>();
            batch.add(NewMessage.direct(2, "u2", user, null, "d" + round, null));
            for (long g = 1; g <= 40; g++) {
                batch.add(NewMessage.group(2, "u2", g, null, "g" + g + "-" + round, null));
            }
            store.append(batch);
        }
        return store;
    }

    @Test
    void aPageFromManyTimelinesIsTheOldestMessagesInMsgnoOrderAndReadsAboutThatMany() {
        Map<Long, Long> from = new HashMap<>();
        FlakyStore store = busyUser(from);
        store.rowsRead.set(0);
        Backlog.Page page = Backlog.read(store, 1, from, 100, 1 << 20);
        List<Long> msgnos = page.messages().stream().map(m -> m.message().msgno()).toList();
        assertThat(msgnos).hasSize(100).isSorted().containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
        assertThat(page.more()).isTrue();
        assertThat(store.rowsRead.get()).as("rows read for a page of 100 from 41 timelines")
                .isLessThanOrEqualTo(41L * Backlog.FIRST_CHUNK + 2 * 100);
        assertThat(page.reached().get(0L)).isEqualTo(3); // inbox seqs 1..3 are msgnos 1, 42, 83
        assertThat(page.reached().get(40L)).isEqualTo(2); // group 40: msgnos 41, 82
    }

    @Test
    void pagingFromWhereEachPageReachedReadsEverythingOnceAndEndsWithoutMore() {
        Map<Long, Long> from = new HashMap<>();
        FlakyStore store = busyUser(from);
        List<Long> all = new ArrayList<>();
        Backlog.Page page;
        do {
            page = Backlog.read(store, 1, from, 77, 1 << 20);
            page.messages().forEach(m -> all.add(m.message().msgno()));
            from = page.reached();
        } while (page.more());
        assertThat(all).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 41 * 50).boxed().toList());
    }

    @Test
    void onePageAtATimeFromOneTimelineEndsExactly() {
        FlakyStore store = new FlakyStore(new MemoryStore());
        for (int i = 0; i < 8; i++) {
            store.append(List.of(NewMessage.direct(2, "u2", 1, null, "d" + i, null)));
        }
        Map<Long, Long> from = new HashMap<>(Map.of(0L, 0L));
        List<Integer> sizes = new ArrayList<>();
        Backlog.Page page;
        do {
            page = Backlog.read(store, 1, from, 4, 1 << 20);
            sizes.add(page.messages().size());
            from = page.reached();
        } while (page.more());
        assertThat(sizes).as("pages of 4; the page that ends a read may say more, the next is then empty")
                .startsWith(4, 4).hasSizeBetween(2, 3);
        assertThat(from.get(0L)).isEqualTo(8);
    }

    @Test
    void aPageStopsAtItsByteBudgetButTakesAtLeastOne() {
        Map<Long, Long> from = new HashMap<>();
        FlakyStore store = busyUser(from);
        Backlog.Page one = Backlog.read(store, 1, from, 100, 10);
        assertThat(one.messages()).hasSize(1);
        assertThat(one.more()).isTrue();
    }
}
