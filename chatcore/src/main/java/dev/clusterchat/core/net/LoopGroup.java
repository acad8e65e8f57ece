package dev.clusterchat.core.net;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * N event loops, one thread each, handed out round-robin: muduo's EventLoopThreadPool.
 * Thread-safe.
 */
public final class LoopGroup {
    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    public LoopGroup(String namePrefix, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size cannot be less than 1: " + size);
        }
        this.loops = IntStream.range(0, size).mapToObj(i -> new EventLoop(namePrefix + "-" + i)).toList();
    }

    /** Thread-safe: starts every loop. */
    public LoopGroup start() {
        loops.forEach(EventLoop::start);
        return this;
    }

    /** Thread-safe: the next loop, round-robin. */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /** Thread-safe: every loop, in a fixed order (hand a fan-out message to each). */
    public List<EventLoop> loops() {
        return loops;
    }

    public int size() {
        return loops.size();
    }

    /** Thread-safe: asks every loop to stop and waits for their threads, up to the timeout. */
    public boolean shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        loops.forEach(EventLoop::shutdown);
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        boolean all = true;
        for (EventLoop loop : loops) {
            all &= loop.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return all;
    }
}
