package dev.clusterchat.chatctl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HistogramTest {
    @Test
    void smallValuesAreExact() {
        Histogram h = new Histogram();
        for (int v = 0; v < 100; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(100);
        assertThat(h.valueAt(0.5)).isEqualTo(49);
        assertThat(h.valueAt(1.0)).isEqualTo(99);
    }

    @Test
    void largeValuesAreWithinOnePart_in64() {
        for (long v : new long[] {128, 1000, 123_456, 9_876_543_210L, Long.MAX_VALUE / 3}) {
            long mid = Histogram.midpointOf(Histogram.indexOf(v));
            assertThat((double) mid).isCloseTo(v, within(v / 64.0));
        }
    }

    @Test
    void indexesAreMonotonic() {
        int last = -1;
        for (long v = 0; v < 1 << 20; v++) {
            int i = Histogram.indexOf(v);
            assertThat(i).isGreaterThanOrEqualTo(last);
            last = i;
        }
        assertThat(Histogram.indexOf(Long.MAX_VALUE)).isGreaterThan(last);
    }

    @Test
    void percentilesOfAUniformSpread() {
        Histogram a = new Histogram();
        Histogram b = new Histogram();
        for (long v = 1; v <= 100_000; v++) {
            (v % 2 == 0 ? a : b).record(v * 1000);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(100_000);
        assertThat((double) a.valueAt(0.5)).isCloseTo(50_000_000, within(50_000_000 / 64.0));
        assertThat((double) a.valueAt(0.99)).isCloseTo(99_000_000, within(99_000_000 / 64.0));
        assertThat((double) a.valueAt(0.999)).isCloseTo(99_900_000, within(99_900_000 / 64.0));
        assertThat(a.max()).isEqualTo(100_000_000);
    }
}
