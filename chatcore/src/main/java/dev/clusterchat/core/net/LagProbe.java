package dev.clusterchat.core.net;

import java.util.concurrent.TimeUnit;

/**
 * Measures how late one loop runs its timers: a timer every period, and its lag is when it ran
 * minus when it was due. A loop busy with a long task or a flood of I/O shows it here first. The
 * probe lives on the loop's thread; its readings are published in volatile fields.
 *
 * <p>Thread safety: {@link #lagNanos()} and {@link #maxLagNanos()} are thread-safe; the rest is
 * loop thread only.
 */
final class LagProbe {
    /** Probes per window; the reported maximum spans the current and the previous window. */
    private static final int WINDOW = 40;

    private final EventLoop loop;
    private final long periodNanos;
    private long due;
    private long windowMax;
    private long previousWindowMax;
    private int probesInWindow;
    private volatile long lag;
    private volatile long maxLag;

    LagProbe(EventLoop loop, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        this.loop = loop;
        this.periodNanos = unit.toNanos(period);
    }

    /** Thread-safe: starts probing (the first probe is scheduled on the loop thread). */
    LagProbe start() {
        loop.execute(this::scheduleNext);
        return this;
    }

    /** Thread-safe: the name of the loop measured. */
    String loopName() {
        return loop.name();
    }

    /** Thread-safe: the lag of the last probe, in nanoseconds. */
    long lagNanos() {
        return lag;
    }

    /** Thread-safe: the largest lag of the last {@code 40..80} probes, in nanoseconds. */
    long maxLagNanos() {
        return maxLag;
    }

    private void scheduleNext() {
        due = System.nanoTime() + periodNanos;
        loop.schedule(periodNanos, TimeUnit.NANOSECONDS, this::fire);
    }

    private void fire() {
        long late = Math.max(0, System.nanoTime() - due);
        lag = late;
        windowMax = Math.max(windowMax, late);
        if (++probesInWindow == WINDOW) {
            previousWindowMax = windowMax;
            windowMax = 0;
            probesInWindow = 0;
        }
        maxLag = Math.max(windowMax, previousWindowMax);
        scheduleNext();
    }
}
