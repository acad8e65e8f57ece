package dev.clusterchat.core.testsupport;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.MsgId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * A logged-in client that sends chat requests from a thread of its own, one after the other, and
 * keeps score: which messages were acknowledged (errno 0), which were refused with errno 13 (and
 * why), and any other reply as a failure. For counting lost and doubled messages across a fault.
 * Each request's "msg" must be unique; its reply is the request's msgid's reply.
 *
 * <p>Thread-safe; the client belongs to the chatter's thread until {@link #close()}.
 */
public final class Chatter implements AutoCloseable {
    private static final int SERVER_ERROR = 13;

    private final ChatClient client;
    private final IntFunction<JsonObject> request;
    private final Duration pause;
    private final Thread thread;
    private final Set<String> sent = new LinkedHashSet<>(); // guarded by this
    private final Set<String> acked = new LinkedHashSet<>(); // guarded by this
    private final List<String> refusals = new ArrayList<>(); // guarded by this
    private Throwable failure; // guarded by this
    private volatile boolean stopping;

    /** Sends {@code request.apply(0)}, {@code request.apply(1)}, ... with a pause between them, once started. */
    public Chatter(String name, ChatClient client, IntFunction<JsonObject> request, Duration pause) {
        this.client = client;
        this.request = request;
        this.pause = pause;
        this.thread = new Thread(this::run, "chatter-" + name);
        this.thread.setDaemon(true);
    }

    public Chatter start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            for (int i = 0; !stopping; i++) {
                JsonObject req = request.apply(i);
                String text = req.get("msg").getAsString();
                int msgid = req.get("msgid").getAsInt();
                synchronized (this) {
                    sent.add(text);
                }
                JsonObject reply = client.request(req.toString(), MsgId.replyTo(msgid));
                int errno = reply.get("errno").getAsInt();
                synchronized (this) {
                    if (errno == 0) {
                        acked.add(text);
                    } else if (errno == SERVER_ERROR) {
                        refusals.add(reply.get("errmsg").getAsString());
                    } else {
                        throw new AssertionError("unexpected reply to " + req + ": " + reply);
                    }
                    notifyAll();
                }
                Thread.sleep(pause.toMillis()); // pacing the load, not synchronization
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            synchronized (this) {
                failure = t;
                notifyAll();
            }
        }
    }

    /** Waits until at least {@code n} requests in all were acknowledged; fails if the chatter failed or time ran out. */
    public synchronized void awaitAcked(int n, Duration within) throws InterruptedException {
        awaitCount(() -> acked.size(), n, within, "acknowledged");
    }

    /** Waits until at least {@code n} requests in all were refused with errno 13. */
    public synchronized void awaitRefused(int n, Duration within) throws InterruptedException {
        awaitCount(() -> refusals.size(), n, within, "refused");
    }

    private void awaitCount(IntSupplier count, int n, Duration within, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (count.getAsInt() < n) {
            checkFailure();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(thread.getName() + ": " + count.getAsInt() + " of " + n + " " + what
                        + " within " + within + "; refusals so far: " + refusals.subList(Math.max(0, refusals.size() - 3), refusals.size()));
            }
            wait(Math.max(1, left / 1_000_000));
        }
        checkFailure();
    }

    private void checkFailure() {
        if (failure != null) {
            throw new AssertionError(thread.getName() + " failed", failure);
        }
    }

    /** The texts of every message sent so far, in order. */
    public synchronized Set<String> sent() {
        return new LinkedHashSet<>(sent);
    }

    /** The texts of the messages acknowledged with errno 0, in order. */
    public synchronized Set<String> acked() {
        return new LinkedHashSet<>(acked);
    }

    /** The errmsg of every errno 13 reply. */
    public synchronized List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** Stops after the request in flight has its reply; fails if the chatter failed. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(10_000);
        if (thread.isAlive()) {
            thread.interrupt();
            throw new AssertionError(thread.getName() + " did not stop");
        }
        synchronized (this) {
            checkFailure();
        }
    }
}
