package dev.clusterchat.core.store.journal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CmidMapTest {
    @Test
    void findsEveryPairAfterGrowingAndNothingElse() {
        CmidMap map = new CmidMap();
        for (int i = 1; i <= 100_000; i++) {
            map.put(i % 7, "cmid-" + i, i);
        }
        for (int i = 1; i <= 100_000; i++) {
            assertThat(map.get(i % 7, "cmid-" + i)).isEqualTo(i);
        }
        assertThat(map.get(1, "cmid-2")).isZero(); // the same cmid from another sender
        assertThat(map.get(0, "unknown")).isZero();
    }

    @Test
    void aPairStoredAgainTakesTheNewMsgno() {
        CmidMap map = new CmidMap();
        map.put(1, "a", 5);
        map.put(1, "a", 9);
        assertThat(map.get(1, "a")).isEqualTo(9);
        assertThat(CmidMap.hash(1, "a")).isNotZero().isNotEqualTo(CmidMap.hash(2, "a")).isNotEqualTo(CmidMap.hash(1, "b"));
    }
}
