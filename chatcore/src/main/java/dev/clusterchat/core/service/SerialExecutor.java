package dev.clusterchat.core.service;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: a connection's requests are
 * handled in order without a thread of their own. At most {@code limit} tasks wait; more are
 * refused, so one client cannot queue unbounded work. Thread-safe.
 */
public final class SerialExecutor {
    private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());
    private static final int BATCH = 64;

    private final Executor pool;
    private final int limit;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    public SerialExecutor(Executor pool, int limit) {
        this.pool = Objects.requireNonNull(pool, "pool");
        if (limit < 1) {
            throw new IllegalArgumentException("limit cannot be less than 1: " + limit);
        }
        this.limit = limit;
    }

    /** Thread-safe: queues the task; false if {@code limit} tasks are already waiting. */
    public boolean offer(Runnable task) {
        if (size.get() >= limit) {
            return false;
        }
        submit(task);
        return true;
    }

    /** Thread-safe: queues the task regardless of the limit (cleanup that must run). */
    public void submit(Runnable task) {
        tasks.add(task);
        if (size.getAndIncrement() == 0) {
            schedule();
        }
    }

    private void schedule() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the pool is shutting down: run here rather than lose cleanup tasks
            drain();
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Runnable t = tasks.poll();
            try {
                t.run();
            } catch (Throwable ex) {
                LOG.log(Level.WARNING, "serial task threw", ex);
            }
            if (size.decrementAndGet() == 0) {
                return;
            }
        }
        schedule(); // more waiting: yield the worker so other connections get a turn
    }
}
