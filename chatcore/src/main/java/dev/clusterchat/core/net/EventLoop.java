package dev.clusterchat.core.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread, one {@link Selector}, one task queue, one timer heap: muduo's EventLoop.
 *
 * <pre>
 *   loop thread:  select(timeout) ─> handle ready keys ─> run due timers ─> run queued tasks ─┐
 *                      ^                                                                   │
 *                      └───────────────────────────────────────────────────────────────────┘
 *   other threads: execute(task) ─> queue (one lock) ─> wakeup() only if the loop may be asleep
 * </pre>
 *
 * <p>Thread safety: {@link #execute}, {@link #schedule}, {@link #inLoop}, {@link #shutdown} and
 * {@link #awaitTermination} are thread-safe; everything else is loop thread only. Every channel
 * registered here, and every object attached to its key, is confined to this loop's thread.
 */
public final class EventLoop {
    private static final Logger LOG = Logger.getLogger(EventLoop.class.getName());

    /** Something selected by this loop: a listening socket or a connection. */
    interface Handler {
        /** Loop thread only: the key is ready for its interest ops. */
        void onReady(SelectionKey key) throws IOException;

        /** Loop thread only: {@link #onReady} threw; release what the handler owns. */
        void onFailure(Throwable t);
    }

    private final String name;
    private final Selector selector;
    private final Thread thread;
    private final Object taskLock = new Object();
    private List<Runnable> tasks = new ArrayList<>();
    private List<Runnable> spare = new ArrayList<>();
    /** true while the loop is inside select() or about to enter it; a foreign execute() wakes it. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Loop thread only: timers cancelled on this thread and still in the heap. */
    private int cancelledTimers;
    private final AtomicLong timerSeq = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean quit;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final List<Runnable> shutdownHooks = new ArrayList<>();
    /** Loop-owned scratch space shared by every connection of this loop (reads land here first). */
    final Buffer sharedInput;
    /** Loop thread only: this loop's connections (fan-out walks them without a lock). */
    final Set<Connection> connections = new HashSet<>();
    /**
     * Cleared buffers for connections' partial input and pending output, lent while they hold
     * bytes. Bounded by capacity, not count: a group message queues output on every member's
     * connection in one round, and a count bound under the members per loop made each broadcast
     * allocate a fresh buffer for most of them.
     */
    private final ArrayDeque<Buffer> bufferPool = new ArrayDeque<>();
    /** Loop thread only: the capacity of the buffers in {@link #bufferPool}. */
    private long pooledBytes;
    static final int MAX_POOLED_BUFFER = 64 * 1024;
    static final long MAX_POOLED_BYTES = 8L * 1024 * 1024;
    private final ArrayList<Connection> toFlush = new ArrayList<>();
    private long roundNanos = System.nanoTime();
    private volatile long lastIterationNanos = System.nanoTime();
    /** Handles each ready key as select finds it (no selected-key set, no iterator per round). */
    private final Consumer<SelectionKey> dispatcher = this::dispatch;

    /** Creates a loop; its thread starts with {@link #start()}. */
    public EventLoop(String name) {
        this(name, 64 * 1024);
    }

    EventLoop(String name, int readBufferSize) {
        this.name = Objects.requireNonNull(name, "name");
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for " + name, e);
        }
        this.sharedInput = new Buffer(readBufferSize);
        this.thread = new Thread(this::run, name);
    }

    /** Thread-safe: starts the loop thread once. */
    public EventLoop start() {
        if (started.compareAndSet(false, true)) {
            thread.start();
        }
        return this;
    }

    public String name() {
        return name;
    }

    /** Thread-safe: whether the caller is this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Thread-safe: throws unless called on this loop's thread. */
    public void assertInLoop() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("must run in loop " + name + ", not in " + Thread.currentThread().getName());
        }
    }

    /**
     * Thread-safe: runs the task now if called on this loop's thread, otherwise queues it and wakes
     * the loop if it may be asleep. Tasks queued from one thread run in the order queued.
     */
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (inLoop()) {
            runSafely(task);
        } else {
            queue(task);
        }
    }

    /** Thread-safe: always queues, even on the loop thread (runs after the current I/O round). */
    public void queue(Runnable task) {
        Objects.requireNonNull(task, "task");
        synchronized (taskLock) {
            tasks.add(task);
        }
        if (!inLoop() && sleeping.compareAndSet(true, false)) {
            selector.wakeup();
        }
    }

    /**
     * Thread-safe: runs the task on this loop after the delay. The returned timer can be cancelled
     * from any thread; a cancelled timer never runs.
     */
    public Timer schedule(long delay, TimeUnit unit, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (delay < 0) {
            throw new IllegalArgumentException("delay cannot be negative: " + delay);
        }
        Timer timer = new Timer(this, System.nanoTime() + unit.toNanos(delay), timerSeq.incrementAndGet(), task);
        if (inLoop()) {
            timers.add(timer);
        } else {
            queue(() -> timers.add(timer));
        }
        return timer;
    }

    /** Thread-safe: runs after the loop ends, on the loop thread, before its channels close. */
    public void onShutdown(Runnable hook) {
        execute(() -> shutdownHooks.add(hook));
    }

    /** Thread-safe: asks the loop to finish its current round, run queued tasks, and exit. */
    public void shutdown() {
        quit = true;
        selector.wakeup();
        if (!started.get() && started.compareAndSet(false, true)) {
            try {
                selector.close(); // never started: nobody else will release it
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing selector of " + name, e);
            }
            terminated.countDown();
        }
    }

    /** Thread-safe: waits for the loop thread to end. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    /** Thread-safe: how long ago the loop last finished a round (event-loop lag, for metrics). */
    public long nanosSinceLastIteration() {
        return System.nanoTime() - lastIterationNanos;
    }

    /** Loop thread only: registers a channel on this loop's selector with the handler attached. */
    SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        assertInLoop();
        channel.configureBlocking(false);
        return channel.register(selector, ops, handler);
    }

    /** Loop thread only: the time this round began (cheaper than asking the clock per event). */
    long roundNanos() {
        return roundNanos;
    }

    /** Loop thread only: the connection has output to write at the end of this round. */
    void flushLater(Connection c) {
        toFlush.add(c);
    }

    private void flushPending() {
        // a flush may queue nothing on this list (it writes or arms OP_WRITE), so one pass suffices
        for (int i = 0; i < toFlush.size(); i++) {
            Connection c = toFlush.get(i);
            try {
                c.flushInLoop();
            } catch (Throwable t) {
                c.onFailure(t);
            }
        }
        toFlush.clear();
    }

    /** Loop thread only: a cleared buffer from this loop's pool, or a new one. */
    Buffer takeBuffer() {
        Buffer b = bufferPool.pollFirst();
        if (b == null) {
            return new Buffer(4096);
        }
        pooledBytes -= b.capacity();
        return b;
    }

    /**
     * Loop thread only: gives a buffer back to the pool, unless it is over 64 KiB or the pool
     * already holds 8 MiB (2,048 buffers of 4 KiB); those are left to the GC.
     */
    void giveBack(Buffer b) {
        if (b.capacity() <= MAX_POOLED_BUFFER && pooledBytes + b.capacity() <= MAX_POOLED_BYTES) {
            b.clear();
            bufferPool.addFirst(b);
            pooledBytes += b.capacity();
        }
    }

    /** Loop thread only: the capacity held by the buffer pool (for tests). */
    long pooledBytes() {
        assertInLoop();
        return pooledBytes;
    }

    /** Loop thread only: timers in the heap, cancelled ones not yet swept included (for tests). */
    int pendingTimers() {
        assertInLoop();
        return timers.size();
    }

    /** Loop thread only: visits every open connection this loop owns (e.g. to fan a message out). */
    public void forEachConnection(Consumer<Connection> visitor) {
        assertInLoop();
        for (Connection c : connections.toArray(new Connection[0])) {
            visitor.accept(c);
        }
    }

    /** Loop thread only: how many connections this loop owns. */
    public int connectionCount() {
        assertInLoop();
        return connections.size();
    }

    private void run() {
        try {
            while (!quit) {
                long timeoutMillis = millisToNextTimer();
                sleeping.set(true);
                int ready;
                if (hasTasks() || timeoutMillis == 0) {
                    sleeping.set(false);
                    ready = selector.selectNow(dispatcher);
                } else {
                    ready = selector.select(dispatcher, timeoutMillis < 0 ? 0 : timeoutMillis);
                    sleeping.set(false);
                }
                roundNanos = System.nanoTime(); // timers and tasks of this round see the time after select
                runTimers();
                runTasks();
                flushPending();
                lastIterationNanos = System.nanoTime();
            }
            runTasks();
        } catch (ClosedSelectorException e) {
            LOG.log(Level.FINE, "selector of {0} closed", name);
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "loop " + name + " died", t);
        } finally {
            closeEverything();
            terminated.countDown();
        }
    }

    private boolean hasTasks() {
        synchronized (taskLock) {
            return !tasks.isEmpty();
        }
    }

    /** Runs one ready key's handler; a throwing handler is told to clean up, the loop goes on. */
    private void dispatch(SelectionKey key) {
        roundNanos = System.nanoTime();
        Handler handler = (Handler) key.attachment();
        try {
            if (key.isValid()) {
                handler.onReady(key);
            }
        } catch (Throwable t) {
            try {
                handler.onFailure(t);
            } catch (Throwable t2) {
                LOG.log(Level.WARNING, "failure handler threw in " + name, t2);
            }
        }
    }

    private long millisToNextTimer() {
        Timer next = timers.peek();
        if (next == null) {
            return -1;
        }
        long nanos = next.deadline - System.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void runTimers() {
        if (timers.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.deadline - now <= 0) {
            timers.poll();
            if (t.isCancelled()) {
                cancelledTimers = Math.max(0, cancelledTimers - 1);
            } else {
                t.markFired();
                runSafely(t.task);
            }
        }
    }

    private void runTasks() {
        List<Runnable> batch;
        synchronized (taskLock) {
            if (tasks.isEmpty()) {
                return;
            }
            batch = tasks;
            tasks = spare;
            spare = batch;
        }
        for (int i = 0, n = batch.size(); i < n; i++) {
            runSafely(batch.get(i));
        }
        batch.clear();
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "task threw in " + name, t);
        }
    }

    private void closeEverything() {
        for (Runnable hook : shutdownHooks) {
            runSafely(hook);
        }
        try {
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            LOG.log(Level.FINE, "closing selector of " + name, e);
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + "]";
    }

    /**
     * Loop thread only: a timer was cancelled. Cancelled timers stay in the heap until their
     * deadline, so when they are the majority (connections closing long before their idle
     * timeout) they are swept out, keeping the heap's size tied to live timers.
     */
    private void timerCancelled() {
        if (++cancelledTimers > 1024 && cancelledTimers > timers.size() / 2) {
            timers.removeIf(Timer::isCancelled);
            cancelledTimers = 0;
        }
    }

    /** A scheduled task; {@link #cancel()} is thread-safe. */
    public static final class Timer implements Comparable<Timer> {
        private final EventLoop loop;
        private final long deadline;
        private final long seq;
        private final Runnable task;
        private volatile int state; // 0 pending, 1 fired, 2 cancelled

        private Timer(EventLoop loop, long deadline, long seq, Runnable task) {
            this.loop = loop;
            this.deadline = deadline;
            this.seq = seq;
            this.task = task;
        }

        /** Thread-safe: the task will not run (if it has not started already). */
        public void cancel() {
            if (state == 0) {
                state = 2;
                if (loop.inLoop()) {
                    loop.timerCancelled();
                }
            }
        }

        public boolean isCancelled() {
            return state == 2;
        }

        private void markFired() {
            state = 1;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
