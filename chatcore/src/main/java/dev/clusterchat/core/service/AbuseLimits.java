package dev.clusterchat.core.service;

import java.time.Duration;
import java.util.Objects;

/**
 * What a client may do before the server pushes back. Validated eagerly; zero turns a limit off.
 *
 * @param requestsPerSecond        sustained frames per second one connection may send (token bucket refill)
 * @param requestBurst             frames one connection may send at once above that rate (bucket size)
 * @param rateStrikes              frames refused for rate that a connection may accumulate (refilled at one a
 *                                 second) before it is disconnected as abusive
 * @param loginFailuresPerUser     failed logins for one user id within the window before its logins are refused
 * @param loginFailuresPerAddress  failed logins from one IP address within the window before its logins are refused
 * @param loginFailureWindow       the window of both login counts; a refused login says when to try again
 * @param loginTimeout             a connection that has not logged in this long after it opened is closed
 */
public record AbuseLimits(int requestsPerSecond, int requestBurst, int rateStrikes,
                          int loginFailuresPerUser, int loginFailuresPerAddress, Duration loginFailureWindow,
                          Duration loginTimeout) {

    /** 200 frames/s (bursts of 400), 5 failed logins per user and 50 per address a minute, 2 minutes to log in. */
    public static final AbuseLimits DEFAULTS = new AbuseLimits(200, 400, 100, 5, 50, Duration.ofMinutes(1),
            Duration.ofSeconds(120));

    /** No limit at all (benchmarks, trusted embedders). */
    public static final AbuseLimits NONE = new AbuseLimits(0, 0, 0, 0, 0, Duration.ofMinutes(1), Duration.ZERO);

    public AbuseLimits {
        nonNegative("requestsPerSecond", requestsPerSecond);
        nonNegative("requestBurst", requestBurst);
        nonNegative("rateStrikes", rateStrikes);
        nonNegative("loginFailuresPerUser", loginFailuresPerUser);
        nonNegative("loginFailuresPerAddress", loginFailuresPerAddress);
        if (requestsPerSecond > 0 && requestBurst < 1) {
            throw new IllegalArgumentException("requestBurst cannot be less than 1 when requestsPerSecond is set: " + requestBurst);
        }
        Objects.requireNonNull(loginFailureWindow, "loginFailureWindow");
        if (loginFailureWindow.isNegative() || loginFailureWindow.isZero()) {
            throw new IllegalArgumentException("loginFailureWindow must be positive: " + loginFailureWindow);
        }
        Objects.requireNonNull(loginTimeout, "loginTimeout");
        if (loginTimeout.isNegative()) {
            throw new IllegalArgumentException("loginTimeout cannot be negative: " + loginTimeout);
        }
    }

    private static void nonNegative(String name, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " cannot be negative: " + v);
        }
    }

    public AbuseLimits withRequestRate(int perSecond, int burst) {
        return new AbuseLimits(perSecond, burst, rateStrikes, loginFailuresPerUser, loginFailuresPerAddress,
                loginFailureWindow, loginTimeout);
    }

    public AbuseLimits withRateStrikes(int n) {
        return new AbuseLimits(requestsPerSecond, requestBurst, n, loginFailuresPerUser, loginFailuresPerAddress,
                loginFailureWindow, loginTimeout);
    }

    public AbuseLimits withLoginFailures(int perUser, int perAddress, Duration window) {
        return new AbuseLimits(requestsPerSecond, requestBurst, rateStrikes, perUser, perAddress, window, loginTimeout);
    }

    public AbuseLimits withLoginTimeout(Duration v) {
        return new AbuseLimits(requestsPerSecond, requestBurst, rateStrikes, loginFailuresPerUser,
                loginFailuresPerAddress, loginFailureWindow, v);
    }
}
