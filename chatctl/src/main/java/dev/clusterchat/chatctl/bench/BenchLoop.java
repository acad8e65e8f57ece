package dev.clusterchat.chatctl.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One selector thread of the load generator and the connections it owns for life. Other threads
 * hand it work with {@link #execute}; tickers (open-loop senders) run after each select, at least
 * once a millisecond. Each loop keeps its own histograms, merged by the caller after {@link #close}.
 */
final class BenchLoop implements AutoCloseable {
    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final List<Runnable> tickers = new ArrayList<>();
    private final Histogram[] histograms = {new Histogram(), new Histogram()};
    private final List<BenchConnection> owned = new ArrayList<>();
    /** Connections with requests queued in this round; loop thread only. */
    private final List<BenchConnection> toFlush = new ArrayList<>();
    /** Where every connection of this loop reads (frames up to 128 KiB); loop thread only. */
    private final ByteBuffer readBuffer = ByteBuffer.allocate(128 * 1024);
    private volatile boolean running = true;

    BenchLoop(int index) throws IOException {
        selector = Selector.open();
        thread = new Thread(this::run, "bench-loop-" + index);
        thread.setDaemon(true);
        thread.start();
    }

    /** Thread-safe: runs {@code task} now if on this loop, else queues it and wakes the selector. */
    void execute(Runnable task) {
        if (inLoop()) {
            task.run();
            return;
        }
        tasks.add(task);
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    void assertInLoop() {
        if (!inLoop()) {
            throw new IllegalStateException("not on " + thread.getName() + ": " + Thread.currentThread().getName());
        }
    }

    /** Loop thread only. */
    Selector selector() {
        assertInLoop();
        return selector;
    }

    /** Loop thread only: the read buffer shared by this loop's connections; empty between reads. */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** Loop thread only: the connection is closed with the loop. */
    void own(BenchConnection c) {
        assertInLoop();
        owned.add(c);
    }

    /** Loop thread only: {@code c}'s queued requests are written at the end of this round. */
    void flushLater(BenchConnection c) {
        toFlush.add(c);
    }

    /** Loop thread only: runs {@code ticker} after every select from now on. */
    void addTicker(Runnable ticker) {
        assertInLoop();
        tickers.add(ticker);
    }

    /** Loop thread only while running; any thread after {@link #close}: histogram 0 or 1. */
    Histogram histogram(int which) {
        return histograms[which];
    }

    private void run() {
        while (running) {
            try {
                selector.select(tickers.isEmpty() ? 100 : 1);
                wakeupPending.set(false);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    ((BenchConnection) key.attachment()).handle(key);
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    runSafely(task);
                }
                for (Runnable t : tickers) {
                    runSafely(t);
                }
                flushAll();
            } catch (IOException | RuntimeException e) {
                System.err.println("chatctl: bench loop: " + e);
            }
        }
        owned.forEach(BenchConnection::closeInLoop);
        try {
            selector.close();
        } catch (IOException ignored) {
            // the run is over
        }
    }

    /** Writes every connection's requests of this round, one write each (a reply may queue more: also written). */
    private void flushAll() {
        try {
            for (int i = 0; i < toFlush.size(); i++) {
                BenchConnection c = toFlush.get(i);
                runSafely(c::flushQueued); // a failing close handler must not hold up the others
            }
        } finally {
            toFlush.clear();
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            System.err.println("chatctl: bench task failed: " + e);
        }
    }

    /** Thread-safe: stops the loop, closes its connections and waits for the thread to end. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
