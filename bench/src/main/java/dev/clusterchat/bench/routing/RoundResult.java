package dev.clusterchat.bench.routing;

import java.util.EnumMap;
import java.util.Map;

/** One scheme's figures in one round. Not thread-safe: filled by one run, then read. */
record RoundResult(String scheme, int round, Map<Metric, Double> values) {

    RoundResult(String scheme, int round) {
        this(scheme, round, new EnumMap<>(Metric.class));
    }

    void put(Metric m, double v) {
        values.put(m, v);
    }

    double get(Metric m) {
        return values.getOrDefault(m, Double.NaN);
    }

    /** One progress line. */
    String line() {
        return String.format("%s round %d: login p50 %.0f µs, %,.0f logins/s, mem %+,.0f KiB | 1:1 %,.0f sends/s,"
                        + " p50 %,.0f µs, p99 %,.0f µs, lost %.0f | group %,.0f msgs/s, %,.0f deliveries/s, lost %.0f",
                scheme, round, get(Metric.LOGIN_P50), get(Metric.LOGIN_RATE), get(Metric.MEMORY), get(Metric.ONE_SENDS),
                get(Metric.ONE_P50), get(Metric.ONE_P99), get(Metric.ONE_LOST), get(Metric.GROUP_RATE),
                get(Metric.GROUP_DELIVERIES), get(Metric.GROUP_LOST));
    }
}
