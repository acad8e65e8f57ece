package dev.clusterchat.chatctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The client side of reliable delivery, for a login with {@code "ack":true}: pages through what is
 * after its positions (msgid 20), shows each message once and in order (sync pages and live
 * messages alike; one it already has is dropped), and acknowledges what it showed (msgid 22),
 * with at most one acknowledgement in flight, so a burst of messages costs a few acks, not one each.
 *
 * <pre>
 *   reader thread: frames ──accept()──▶ positions ──▶ show; ack (22) when they moved
 *   main thread:   sync(): 20 ▶ 21 (its msgs pass accept() first) ▶ ... until "more":false; flush()
 * </pre>
 *
 * <p>Thread safety: thread-safe. {@link #accept} runs on the connection's reader thread; the rest on
 * the caller's thread. Messages are shown under the lock, so they print in order.
 */
final class Receiver {
    private final Output out;
    private final Consumer<JsonObject> show;
    private final boolean acking;
    private final boolean live;
    private final int count;
    private final CompletableFuture<Void> enough = new CompletableFuture<>();

    // guarded by this
    private ChatConnection conn; // null until started, and after stop()
    private long self;
    private Positions positions = new Positions();
    private Positions acked = new Positions(); // as far as the server has it on record
    private boolean ended;
    private int shown;
    private CompletableFuture<JsonObject> ackInFlight;
    private boolean ackAgain;
    private ChatctlException ackFailure;

    /**
     * @param show   prints one message (on the reader thread)
     * @param acking acknowledge what was shown (msgid 22)
     * @param live   keep showing messages after the sync, as they arrive; otherwise stop at its end
     * @param count  stop after this many messages; 0 for no limit
     */
    Receiver(Output out, Consumer<JsonObject> show, boolean acking, boolean live, int count) {
        this.out = out;
        this.show = show;
        this.acking = acking;
        this.live = live;
        this.count = count;
    }

    /** Thread-safe: begins after an ack login, from the positions its reply reports. */
    synchronized void start(ChatConnection connection, long userId, JsonObject loginReply) {
        conn = connection;
        self = userId;
        positions = Positions.of(loginReply);
        acked = positions.copy();
        ended = false;
        ackInFlight = null;
        ackAgain = false;
    }

    /** Thread-safe: ignores everything from now on (after a logout). */
    synchronized void stop() {
        conn = null;
    }

    synchronized boolean started() {
        return conn != null;
    }

    /**
     * Thread-safe, before {@link #sync}: starts the inbox at {@code useq} (null: where it is) and each
     * group given at its seq; throws if the user is not in one of the groups.
     */
    synchronized void from(Long useq, Map<Long, Long> gseqs) {
        for (long g : gseqs.keySet()) {
            if (!positions.has(g)) {
                throw new ChatctlException(ExitCodes.USAGE, "--from-gseq: you are not a member of group " + g);
            }
        }
        if (useq != null) {
            positions.set(Positions.INBOX, useq);
        }
        gseqs.forEach(positions::set);
        acked.merge(positions); // what it skips ahead over is acknowledged only with what it shows
    }

    /** Thread-safe: the next sync starts from the oldest message still stored, in every timeline. */
    synchronized void rewind() {
        positions.rewind();
    }

    synchronized Positions positions() {
        return positions.copy();
    }

    /** Thread-safe: completes once {@code count} messages were shown. */
    CompletableFuture<Void> enough() {
        return enough;
    }

    synchronized int shown() {
        return shown;
    }

    /**
     * Reader thread: takes a chat message or a sync reply (21) and returns true; false for any other
     * frame, and for every frame before {@link #start} and after {@link #stop}.
     */
    boolean accept(Frame f) {
        int msgid = f.msgid();
        boolean page = f.reply() && msgid == Requests.SYNC_ACK && ChatctlException.errno(f.json()) == 0;
        if (!page && (f.reply() || (msgid != Requests.ONE_CHAT && msgid != Requests.GROUP_CHAT))) {
            return false;
        }
        synchronized (this) {
            if (conn == null) {
                return false;
            }
            if (page) {
                for (JsonElement e : Formats.array(f.json(), "msgs")) {
                    if (e.isJsonObject()) {
                        take(e.getAsJsonObject());
                    }
                }
                if (!ended) {
                    // every message of the page was shown: the reply says where it reached, which can
                    // be past them (the user's own group messages are read but never sent)
                    positions.merge(Positions.of(f.json()));
                }
                if (!live && !Formats.flag(f.json(), "more")) {
                    ended = true; // what comes live after the sync is for the next one
                }
            } else {
                take(f.json());
            }
            ackLater();
        }
        return true;
    }

    private void take(JsonObject m) {
        Positions.Place p = Positions.Place.of(m);
        if (ended || p == null || !positions.advance(p.timeline(), p.seq())) {
            return;
        }
        show.accept(m);
        shown++;
        if (count > 0 && shown >= count) {
            ended = true;
            enough.complete(null);
        }
    }

    /**
     * Caller's thread: sends 20 from the positions until the server says {@code "more":false} (or
     * {@code count} messages were shown), then waits for the acknowledgements. Throws on an error
     * reply, a lost connection or a timeout.
     */
    void sync(int limit, Duration timeout) {
        while (true) {
            Positions before;
            JsonObject request;
            ChatConnection c;
            synchronized (this) {
                if (ended || conn == null) {
                    break;
                }
                c = conn;
                before = positions.copy();
                request = Requests.sync(positions, limit);
            }
            JsonObject reply = ChatctlException.requireOk(c.call(request, timeout, "sync"), "sync");
            synchronized (this) { // accept() took the page, and its positions, before this reply returned
                if (!Formats.flag(reply, "more") || ended) {
                    break;
                }
                if (positions.equals(before)) {
                    throw new ChatctlException(ExitCodes.INTERNAL, "sync makes no progress at " + positions());
                }
            }
        }
        flush(timeout);
    }

    /** Sends 22 for the timelines past what the server has on record, unless one is in flight. */
    private void ackLater() {
        if (!acking || conn == null) {
            return;
        }
        if (ackInFlight != null) {
            ackAgain = true;
            return;
        }
        Positions moved = positions.pastThose(acked);
        if (moved.isEmpty()) {
            return;
        }
        acked.merge(moved);
        ackInFlight = conn.send(Requests.delivered(moved));
        ackInFlight.whenComplete(this::acked);
    }

    /**
     * The reply to an acknowledgement. A failure ends a sync that is not live (at its flush); a live
     * one only says so, on stderr. A lost connection is not said here: whoever waits on it says it.
     */
    private synchronized void acked(JsonObject reply, Throwable failure) {
        ackInFlight = null;
        ChatctlException failed = failure instanceof ChatctlException e ? e
                : failure != null ? new ChatctlException(ExitCodes.INTERNAL, "delivered: " + failure)
                : ChatctlException.errno(reply) != 0 ? ChatctlException.failed("delivered", reply) : null;
        if (failed != null && !live) {
            ackFailure = ackFailure != null ? ackFailure : failed;
        } else if (failed != null && failure == null) {
            out.error(failed.getMessage());
        }
        if (ackAgain && failure == null) {
            ackAgain = false;
            ackLater();
        }
        notifyAll();
    }

    /**
     * Caller's thread: waits until every acknowledgement sent has its reply; throws the first that
     * failed since the last flush.
     */
    synchronized void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ackInFlight != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw ChatctlException.noReply("delivered", timeout);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ChatctlException.interrupted();
            }
        }
        ChatctlException failed = ackFailure;
        ackFailure = null;
        if (failed != null) {
            throw failed;
        }
    }
}
