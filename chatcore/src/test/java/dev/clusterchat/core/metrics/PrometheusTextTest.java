package dev.clusterchat.core.metrics;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exposition text, line by line, and the snapshot's checks on names. */
class PrometheusTextTest {
    @Test
    void countersGaugesAndLabelsWithEscapes() {
        MetricsSnapshot.Builder b = MetricsSnapshot.builder();
        b.counter("x_requests_total", "Requests.\nBy kind \\ id.").sample(3, "kind", "a\"b\\c\nd").sample(0, "kind", "z");
        b.gauge("x_level", "A level.").sample(0.25).sample(-2, "where", "here");
        assertThat(PrometheusText.format(b.build())).isEqualTo("""
                # HELP x_requests_total Requests.\\nBy kind \\\\ id.
                # TYPE x_requests_total counter
                x_requests_total{kind="a\\"b\\\\c\\nd"} 3
                x_requests_total{kind="z"} 0
                # HELP x_level A level.
                # TYPE x_level gauge
                x_level 0.25
                x_level{where="here"} -2
                """);
    }

    @Test
    void aHistogramHasCumulativeBucketsThenSumAndCount() {
        Latency l = new Latency();
        l.record(TimeUnit.MICROSECONDS.toNanos(100));   // <= 0.0005
        l.record(TimeUnit.MILLISECONDS.toNanos(1));     // <= 0.001, on the bound
        l.record(TimeUnit.MILLISECONDS.toNanos(30));    // <= 0.05
        l.record(TimeUnit.SECONDS.toNanos(9));          // above every bound
        MetricsSnapshot.Builder b = MetricsSnapshot.builder();
        b.histogram("x_seconds", "Time.").latency(l, "op", "find");
        String text = PrometheusText.format(b.build());
        assertThat(text).contains(
                "# TYPE x_seconds histogram\n",
                "x_seconds_bucket{op=\"find\",le=\"0.0005\"} 1\n",
                "x_seconds_bucket{op=\"find\",le=\"0.001\"} 2\n",
                "x_seconds_bucket{op=\"find\",le=\"0.025\"} 2\n",
                "x_seconds_bucket{op=\"find\",le=\"0.05\"} 3\n",
                "x_seconds_bucket{op=\"find\",le=\"5\"} 3\n",
                "x_seconds_bucket{op=\"find\",le=\"+Inf\"} 4\n",
                "x_seconds_sum{op=\"find\"} 9.0311\n",
                "x_seconds_count{op=\"find\"} 4\n");
        assertThat(l.count()).isEqualTo(4);
    }

    @Test
    void numbersAreWrittenAsPrometheusReadsThem() {
        assertThat(PrometheusText.number(42)).isEqualTo("42");
        assertThat(PrometheusText.number(1e-7)).isEqualTo("0.0000001");
        assertThat(PrometheusText.number(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    }

    @Test
    void namesAreChecked() {
        MetricsSnapshot.Builder b = MetricsSnapshot.builder();
        assertThatThrownBy(() -> b.counter("x_requests", "h")).hasMessageContaining("_total");
        assertThatThrownBy(() -> b.gauge("9lives", "h")).hasMessageContaining("bad metric name");
        b.gauge("x", "h");
        assertThatThrownBy(() -> b.gauge("x", "h")).hasMessageContaining("already");
        assertThatThrownBy(() -> b.gauge("y", "h").sample(1, "bad-label", "v")).hasMessageContaining("bad label name");
        assertThatThrownBy(() -> b.gauge("z", "h").sample(1, "odd")).hasMessageContaining("pairs");
    }

    @Test
    void snapshotLookupMatchesOnTheGivenLabels() {
        MetricsSnapshot.Builder b = MetricsSnapshot.builder();
        b.counter("e_total", "h").sample(1, "errno", "9", "kind", "bad_json").sample(2, "errno", "13", "kind", "server_error");
        MetricsSnapshot s = b.build();
        assertThat(s.value("e_total", "errno", "13").orElseThrow()).isEqualTo(2);
        assertThat(s.value("e_total", "kind", "bad_json").orElseThrow()).isEqualTo(1);
        assertThat(s.value("e_total", "errno", "14")).isEmpty();
        assertThat(s.family("e_total").orElseThrow().type()).isEqualTo(MetricsSnapshot.Type.COUNTER);
    }
}
