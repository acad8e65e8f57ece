package dev.clusterchat.core.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final PresenceCache cache = new PresenceCache(100, now::get);

    @Test
    void anEntryLivesForItsTimeToLive() {
        cache.put(7, "a");
        now.addAndGet(99);
        assertThat(cache.get(7)).isEqualTo("a");
        now.addAndGet(1);
        assertThat(cache.get(7)).isNull();
        assertThat(cache.size()).as("an expired entry is removed when met").isZero();
    }

    @Test
    void aNodeThatTookNothingIsForgottenWithEveryoneSeenThere() {
        cache.put(1, "a");
        cache.put(2, "b");
        cache.put(3, "a");
        cache.forgetNode("a");
        assertThat(cache.get(1)).isNull();
        assertThat(cache.get(3)).isNull();
        assertThat(cache.get(2)).isEqualTo("b");
        cache.clear();
        assertThat(cache.get(2)).isNull();
    }

    @Test
    void sizeIsBounded() {
        for (long id = 0; id < PresenceCache.MAX_ENTRIES + 10; id++) {
            cache.put(id, "a");
        }
        assertThat(cache.size()).isEqualTo(PresenceCache.MAX_ENTRIES);
        now.addAndGet(100); // all expired: the next put sweeps them
        cache.put(-1, "b");
        assertThat(cache.size()).isEqualTo(1);
    }
}
