package dev.clusterchat.core.service;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts failed logins per user id and per client address in fixed windows; once a key reaches its
 * limit, logins for it are refused until its window ends, whatever the password (so guessing costs
 * the guesser time, and a correct guess inside a locked window is refused too). A successful login
 * clears its user's count, not its address's. IPv6 addresses count by their /64. Memory is bounded: expired windows are swept, and
 * beyond {@code maxKeys} new keys are not counted.
 *
 * <p>Thread safety: thread-safe.
 */
final class LoginThrottle {
    static final int MAX_KEYS = 100_000;

    private final int perUser;
    private final int perAddress;
    private final long windowNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<Object, Window> windows = new ConcurrentHashMap<>();

    /** One key's failures since {@code start}. Immutable: replaced atomically. */
    private record Window(long start, int failures) {
    }

    LoginThrottle(AbuseLimits limits, LongSupplier nanoClock) {
        this.perUser = limits.loginFailuresPerUser();
        this.perAddress = limits.loginFailuresPerAddress();
        this.windowNanos = limits.loginFailureWindow().toNanos();
        this.clock = nanoClock;
    }

    /** Thread-safe: how long logins for this user or address stay refused, or null if they may try. */
    Duration refusedFor(long userId, InetAddress address) {
        long now = clock.getAsLong();
        long wait = Math.max(remaining(userId, perUser, now), address == null ? 0 : remaining(addressKey(address), perAddress, now));
        return wait > 0 ? Duration.ofNanos(wait) : null;
    }

    /** Thread-safe: a login with a wrong id or password. */
    void failed(long userId, InetAddress address) {
        long now = clock.getAsLong();
        if (windows.size() >= MAX_KEYS) {
            windows.values().removeIf(w -> now - w.start() >= windowNanos);
        }
        count(userId, perUser, now);
        if (address != null) {
            count(addressKey(address), perAddress, now);
        }
    }

    /** Thread-safe: the user logged in; its count starts over. */
    void succeeded(long userId) {
        windows.remove(userId);
    }

    /** Thread-safe: keys counted now (for tests and metrics). */
    int size() {
        return windows.size();
    }

    /** The key an address counts under: IPv6 by its /64 (one host often holds a whole /64), IPv4 as is. */
    static Object addressKey(InetAddress a) {
        if (a instanceof java.net.Inet6Address) {
            return new java.math.BigInteger(1, java.util.Arrays.copyOf(a.getAddress(), 8)).toString(16) + "::/64";
        }
        return a;
    }

    private long remaining(Object key, int limit, long now) {
        if (limit == 0) {
            return 0;
        }
        Window w = windows.get(key);
        if (w == null || w.failures() < limit) {
            return 0;
        }
        return Math.max(0, w.start() + windowNanos - now);
    }

    private void count(Object key, int limit, long now) {
        if (limit == 0 || (windows.size() >= MAX_KEYS && !windows.containsKey(key))) {
            return;
        }
        windows.compute(key, (k, w) -> w == null || now - w.start() >= windowNanos
                ? new Window(now, 1)
                : new Window(w.start(), w.failures() + 1));
    }
}
