package dev.clusterchat.core.service;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A position counts once the socket has taken the bytes up to the end of its frame. */
class SentPositionsTest {
    @Test
    void aPositionCountsOnceItsFrameEndsWithinWhatWasWritten() {
        SentPositions p = new SentPositions();
        p.wrote(0, 1, 100, 0);
        p.wrote(0, 2, 200, 0);
        p.wrote(7, 5, 300, 0);
        assertThat(p.sent(0)).isEmpty();
        assertThat(p.sent(199)).as("frame 2 partly written").containsExactlyEntriesOf(Map.of(0L, 1L));
        assertThat(p.inFlight(199)).isTrue();
        assertThat(p.sent(300)).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 2L, 7L, 5L));
        assertThat(p.inFlight(300)).isFalse();
    }

    @Test
    void positionsOnlyMoveForwardAndLaterWritesCountWhatHasLeftMeanwhile() {
        SentPositions p = new SentPositions();
        p.wrote(0, 3, 100, 0);
        p.wrote(0, 2, 100, 0); // a lower seq noted at the same place (a login reply's page) never moves it back
        p.wrote(0, 4, 250, 150); // the first ones left before this write
        assertThat(p.inFlight(150)).isTrue();
        assertThat(p.sent(150)).containsExactlyEntriesOf(Map.of(0L, 3L));
        assertThat(p.sent(250)).containsExactlyEntriesOf(Map.of(0L, 4L));
    }
}
