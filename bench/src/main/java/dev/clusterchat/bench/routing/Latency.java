package dev.clusterchat.bench.routing;

/**
 * A log-linear histogram of nanoseconds, as in the echo bench's Histogram (package-private there):
 * exact below 128, then 64 buckets per power of two, so a reported value is within 1.6%.
 *
 * <p>Not thread-safe: each owner guards its own.
 */
final class Latency {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;

    private final long[] counts = new long[SUB * (63 - SUB_BITS) + 2 * SUB];
    private long total;
    private long max;

    /** Records {@code times} occurrences of one value; negative values count as zero. */
    void record(long value, int times) {
        long v = Math.max(0, value);
        int shift = Math.max(0, 63 - Long.numberOfLeadingZeros(v) - SUB_BITS);
        counts[(shift << SUB_BITS) + (int) (v >>> shift)] += times;
        total += times;
        max = Math.max(max, v);
    }

    void add(Latency other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    /** The value at quantile q in (0, 1], in microseconds; NaN when empty. */
    double micros(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, midpointOf(i)) / 1e3;
            }
        }
        return max / 1e3;
    }

    private static long midpointOf(int index) {
        if (index < 2 * SUB) {
            return index;
        }
        int shift = (index >>> SUB_BITS) - 1;
        long low = (index - ((long) shift << SUB_BITS)) << shift;
        return low + ((1L << shift) >>> 1);
    }
}
