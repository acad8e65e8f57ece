package dev.clusterchat.chatctl.bench;

/**
 * A log-linear histogram of non-negative longs (nanoseconds here), in the manner of HdrHistogram:
 * values below 128 are exact; above, each power of two is split into 64 equal buckets, so a
 * reported value is within 1/64 (1.6%) of the truth. Fixed size, no allocation when recording.
 *
 * <pre>
 *   index = 64 * shift + (v >>> shift),  shift = max(0, floor(log2 v) - 6)
 *   v in [0, 128)      -> index v              (exact)
 *   v in [128, 256)    -> 128 + (v - 128) / 2  (2 wide)
 *   v in [256, 512)    -> 192 + (v - 256) / 4  (4 wide) ...
 * </pre>
 *
 * <p>Not thread-safe: one per thread, merged after the run. Shared by chatctl's load generator and
 * the bench module.
 */
public final class Histogram {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_SHIFT = 63 - SUB_BITS;

    private final long[] counts = new long[SUB * MAX_SHIFT + 2 * SUB];
    private long total;
    private long max;

    /** Records one value; negative values count as zero. */
    public void record(long value) {
        record(value, 1);
    }

    /** Records {@code times} occurrences of one value; negative values count as zero. */
    public void record(long value, long times) {
        long v = Math.max(0, value);
        counts[indexOf(v)] += times;
        total += times;
        if (v > max) {
            max = v;
        }
    }

    /** Adds every value recorded in {@code other}. */
    public void add(Histogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    public long max() {
        return max;
    }

    /**
     * The value at quantile {@code q} (0 &lt; q &lt;= 1): the midpoint of the bucket holding the
     * ceil(q * count)-th smallest value, capped at the largest value seen; 0 when empty.
     */
    public long valueAt(double q) {
        if (q <= 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in (0, 1]: " + q);
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, midpointOf(i));
            }
        }
        return max;
    }

    /** {@link #valueAt} of nanoseconds, in microseconds; NaN when empty. */
    public double micros(double q) {
        return total == 0 ? Double.NaN : valueAt(q) / 1e3;
    }

    static int indexOf(long v) {
        int shift = Math.max(0, 63 - Long.numberOfLeadingZeros(v) - (SUB_BITS));
        return (shift << SUB_BITS) + (int) (v >>> shift);
    }

    /** The middle of the range of values that map to {@code index}. */
    static long midpointOf(int index) {
        if (index < 2 * SUB) {
            return index;
        }
        int shift = (index >>> SUB_BITS) - 1;
        long top = index - ((long) shift << SUB_BITS);
        long low = top << shift;
        return low + ((1L << shift) >>> 1);
    }
}
