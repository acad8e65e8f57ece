package dev.clusterchat.core.testsupport;

import org.junit.jupiter.api.Assertions;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A bounded wait for state that no callback announces (a counter another thread updates, a
 * heartbeat's verdict): it re-checks the condition every millisecond and never sleeps for a
 * guessed time. Thread-safe.
 */
public final class Await {
    private Await() {
    }

    /** Returns once the condition holds; fails the test naming {@code what} after the timeout. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        if (!holdsWithin(condition, timeout)) {
            Assertions.fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
        }
    }

    /** Whether the condition holds within the timeout (checked every millisecond), for callers that report a timeout themselves. */
    public static boolean holdsWithin(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }
}
