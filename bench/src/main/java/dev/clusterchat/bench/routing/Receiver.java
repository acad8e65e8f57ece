package dev.clusterchat.bench.routing;

import dev.clusterchat.chatctl.bench.Histogram;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what one receiving node delivered and records how long each delivery took from its send,
 * for sends inside the measured window. Fed by the node's subscriber thread. Thread-safe.
 */
final class Receiver {
    private final AtomicLong delivered = new AtomicLong();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private Histogram latency = new Histogram(); // guarded by this

    /** Subscriber thread: a message for {@code users} users on this node arrived. */
    void delivered(int users, String message) {
        long now = System.nanoTime();
        long sentAt = Messages.sentAt(message);
        if (sentAt >= windowStart && sentAt < windowEnd) {
            synchronized (this) {
                latency.record(now - sentAt, users);
            }
        }
        delivered.addAndGet(users);
    }

    /** Thread-safe: deliveries so far (one per recipient). */
    long count() {
        return delivered.get();
    }

    /** Thread-safe: from now on, record the latency of messages sent at or after {@code start}. */
    synchronized void openWindow(long start) {
        latency = new Histogram();
        windowEnd = Long.MAX_VALUE;
        windowStart = start;
    }

    /** Thread-safe: messages sent at or after {@code end} are no longer recorded. */
    void closeWindow(long end) {
        windowEnd = end;
    }

    /** Thread-safe: a copy of the latencies recorded since {@link #openWindow}. */
    synchronized Histogram latency() {
        Histogram copy = new Histogram();
        copy.add(latency);
        return copy;
    }
}
