package dev.clusterchat.core.service;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.StoreException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: one thread takes every chat message waiting to be stored and appends them with one
 * {@link ChatStore#append} call (one transaction), then completes each, in order. Under load a
 * batch holds everything that queued during the previous commit, so a commit's cost is shared.
 *
 * <p>Thread safety: {@link #append} from any thread; completions run on the log's thread, in the
 * order the messages were queued, and must not block (hand blocking work to a worker).
 */
final class MessageLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MessageLog.class.getName());

    /** What became of one queued message: exactly one of the two is set. */
    record Result(Appended appended, RuntimeException failure) {
    }

    private record Entry(NewMessage message, Consumer<Result> done) {
    }

    private static final Entry STOP = new Entry(null, null);

    private final ChatStore store;
    private final int maxBatch;
    private final BlockingQueue<Entry> queue;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param maxBatch the most messages one transaction takes
     * @param capacity the most messages waiting; {@link #append} refuses more
     */
    MessageLog(ChatStore store, int maxBatch, int capacity) {
        this.store = store;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.thread = new Thread(this::run, "chat-log");
        this.thread.setDaemon(true);
    }

    /** Once. */
    MessageLog start() {
        thread.start();
        return this;
    }

    /**
     * Any thread: queues a message for the next commit; {@code done} runs on the log's thread once it
     * is stored (or failed). False if too many messages are waiting (the caller answers "busy") or
     * the log is closed.
     */
    boolean append(NewMessage message, Consumer<Result> done) {
        return !closed && queue.remainingCapacity() > 1 && queue.offer(new Entry(message, done));
    }

    /** Thread-safe: messages waiting for a commit. */
    int waiting() {
        return queue.size();
    }

    private void run() {
        List<Entry> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                Entry first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                boolean stop = batch.remove(STOP);
                commit(batch);
                batch.clear();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) { // the log must outlive anything: every queued message gets its reply
                LOG.log(Level.SEVERE, "commit failed unexpectedly", t);
                for (Entry e : batch) {
                    if (e != STOP) {
                        complete(e, new Result(null, new StoreException("commit failed: " + t, t)));
                    }
                }
                batch.clear();
            }
        }
    }

    private void commit(List<Entry> batch) {
        List<NewMessage> messages = new ArrayList<>(batch.size());
        for (Entry e : batch) {
            messages.add(e.message());
        }
        List<Appended> stored;
        try {
            stored = store.append(messages);
        } catch (StoreException e) {
            for (Entry entry : batch) {
                complete(entry, new Result(null, e));
            }
            return;
        } catch (RuntimeException e) {
            if (batch.size() > 1) { // one bad message must not fail the others: one by one
                for (Entry entry : batch) {
                    commit(List.of(entry));
                }
            } else {
                LOG.log(Level.WARNING, "cannot store a message", e);
                complete(batch.get(0), new Result(null, e));
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), new Result(stored.get(i), null));
        }
    }

    private static void complete(Entry entry, Result result) {
        try {
            entry.done().accept(result);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "completing a stored message failed", e);
        }
    }

    /** Stores what is queued, then stops; waits up to {@code timeout}. Idempotent. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        if (!thread.isAlive()) {
            return;
        }
        try {
            queue.put(STOP);
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        Entry e;
        while ((e = queue.poll()) != null) { // only if the store hung past the timeout
            if (e != STOP) {
                complete(e, new Result(null, new StoreException("server stopping", null)));
            }
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
