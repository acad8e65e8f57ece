package dev.clusterchat.core.service;

/**
 * One connection's request rate: frames within the rate pass; frames above it are refused, and each
 * refusal costs a strike. Strikes come back at one a second; a connection out of strikes keeps
 * flooding and is disconnected.
 *
 * <p>Thread safety: loop thread only (it lives with its connection).
 */
final class RateGuard {
    enum Verdict { PASS, REFUSE, DISCONNECT }

    private final TokenBucket requests;
    private final TokenBucket strikes;

    /** Null if the limits do not limit the rate. */
    static RateGuard of(AbuseLimits limits, long nowNanos) {
        if (limits.requestsPerSecond() == 0) {
            return null;
        }
        return new RateGuard(limits, nowNanos);
    }

    private RateGuard(AbuseLimits limits, long nowNanos) {
        this.requests = new TokenBucket(limits.requestsPerSecond(), limits.requestBurst(), nowNanos);
        this.strikes = limits.rateStrikes() == 0 ? null : new TokenBucket(1, limits.rateStrikes(), nowNanos);
    }

    Verdict check(long nowNanos) {
        if (requests.tryTake(nowNanos)) {
            return Verdict.PASS;
        }
        if (strikes != null && !strikes.tryTake(nowNanos)) {
            return Verdict.DISCONNECT;
        }
        return Verdict.REFUSE;
    }
}
