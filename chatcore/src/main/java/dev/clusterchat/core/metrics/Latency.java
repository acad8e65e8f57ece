package dev.clusterchat.core.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long calls take: a count, a total and a coarse histogram with fixed buckets from 0.5 ms to
 * 5 s (Prometheus's "le" buckets). Recording is two adder increments and a short scan: cheap enough
 * for every store call. Thread-safe.
 */
public final class Latency {
    private static final double[] BOUNDS_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * TimeUnit.SECONDS.toNanos(1));
        }
    }

    /** Calls per bucket, not cumulative; the last bucket is everything above the largest bound. */
    private final LongAdder[] buckets = new LongAdder[BOUNDS_NANOS.length + 1];
    private final LongAdder totalNanos = new LongAdder();

    public Latency() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Thread-safe: one call that took this long (negative counts as zero). */
    public void record(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        totalNanos.add(n);
    }

    /** Thread-safe: calls recorded. */
    public long count() {
        long sum = 0;
        for (LongAdder b : buckets) {
            sum += b.sum();
        }
        return sum;
    }

    /** Thread-safe: the time of every call recorded, added up. */
    public long totalNanos() {
        return totalNanos.sum();
    }

    /** Thread-safe: the buckets' upper bounds in seconds, the open-ended last one left out. */
    public static double[] boundsSeconds() {
        return BOUNDS_SECONDS.clone();
    }

    /**
     * Thread-safe: for each bound, the calls that took at most that long, then every call (the
     * open-ended bucket); one entry more than {@link #boundsSeconds()}.
     */
    public long[] cumulativeCounts() {
        long[] out = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            out[i] = running;
        }
        return out;
    }
}
