package dev.clusterchat.core.service;

/**
 * A token bucket on a caller-supplied clock: {@code capacity} tokens, refilled at {@code perSecond}.
 * No allocation, no locks.
 *
 * <p>Thread safety: not thread-safe; confine it (a connection's bucket lives on its loop).
 */
final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    TokenBucket(int perSecond, int capacity, long nowNanos) {
        if (perSecond < 1 || capacity < 1) {
            throw new IllegalArgumentException("perSecond and capacity must be positive: " + perSecond + ", " + capacity);
        }
        this.perNano = perSecond / 1e9;
        this.capacity = capacity;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Takes one token if there is one. */
    boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            lastNanos = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
