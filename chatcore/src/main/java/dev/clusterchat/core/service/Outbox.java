package dev.clusterchat.core.service;

import dev.clusterchat.core.net.Connection;
import dev.clusterchat.core.store.ChatStore;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One logged-in user's deliveries on one connection: for each timeline (the inbox is 0, a group is
 * its id) the last seq written to the connection. A live message is written only if it is the next
 * one; one that would leave a gap (it overtook another, on another node or in another commit)
 * makes the outbox read the gap from the store, so each timeline arrives in seq order, with no gap
 * and no repeat. Until it is live (the login reply is out, or an acknowledging client has synced)
 * messages are only noted, and read from the store when it goes live. For a client that does not
 * acknowledge, it also keeps which of those positions the socket has taken ({@link SentPositions}):
 * only those count as delivered.
 *
 * <p>Thread safety: confined to the connection's loop, except {@link #userId()}, {@link #acking()},
 * {@link #sentPositions()} and {@link #inFlight()}, which any thread may call.
 */
final class Outbox {
    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    private static final int PAGE = 200;

    private final Connection connection;
    private final long userId;
    private final boolean acking;
    private final ChatStore store;
    private final Executor workers;
    private final int maxPageBytes;
    private final java.util.function.Consumer<Outbox> onAdvance;
    /** Asks, from the loop, for the user's cursors to be read and handed to {@link #refresh}. */
    private final Runnable resync;
    /** Last seq written (or, for an acknowledging client, synced), per timeline. */
    private final Map<Long, Long> pos = new HashMap<>();
    /** What of it the socket has taken; null for an acknowledging client. */
    private final SentPositions sent;
    /** The highest seq known to exist per timeline that may not be written yet. */
    private final Map<Long, Long> pending = new HashMap<>();
    private boolean live;
    private boolean filling;
    private boolean closed;

    /**
     * @param start     where the client stands per timeline (its acknowledged positions)
     * @param acking    whether the client acknowledges deliveries (else a write counts as delivery)
     * @param onAdvance runs on the loop when a position moves (non-acknowledging clients: flush it)
     */
    Outbox(Connection connection, long userId, boolean acking, Map<Long, Long> start, ChatStore store,
           Executor workers, int maxPageBytes, java.util.function.Consumer<Outbox> onAdvance, Runnable resync) {
        this.connection = connection;
        this.userId = userId;
        this.acking = acking;
        this.store = store;
        this.workers = workers;
        this.maxPageBytes = maxPageBytes;
        this.onAdvance = onAdvance;
        this.resync = resync;
        this.pos.putAll(start);
        this.sent = acking ? null : new SentPositions();
    }

    /** Thread-safe. */
    long userId() {
        return userId;
    }

    /** Thread-safe. */
    boolean acking() {
        return acking;
    }

    /**
     * Thread-safe, for a client that does not acknowledge: the positions whose frames the socket
     * has taken (those still in the output buffer do not count), per timeline moved since login.
     */
    Map<Long, Long> sentPositions() {
        return sent.sent(connection.writtenOutputBytes());
    }

    /**
     * Thread-safe, for a client that does not acknowledge: whether frames written for the user are
     * still in the output buffer of a connection not closed yet (they may yet leave).
     */
    boolean inFlight() {
        boolean closed = connection.isClosed(); // first: once closed, what was written is final
        return sent.inFlight(connection.writtenOutputBytes()) && !closed;
    }

    /** Loop thread: a message stored for this user (or its own group message, which only moves the position). */
    void offer(Messages.Outgoing m) {
        if (closed) {
            return;
        }
        long t = m.timeline();
        Long p = pos.get(t);
        if (p == null) { // a group joined after login: its cursor is read first, never guessed
            pending.merge(t, m.seq(), Math::max);
            resync.run();
            return;
        }
        if (!live || filling) {
            pending.merge(t, m.seq(), Math::max);
            return;
        }
        if (m.seq() <= p) {
            return;
        }
        if (m.seq() == p + 1 && connection.pendingOutputBytes() <= maxPageBytes) {
            write(m);
            return;
        }
        pending.merge(t, m.seq(), Math::max); // a gap, or a client behind on reading: paced by fill
        fill();
    }


    /**
     * Loop thread: the login reply (with the messages up to {@code reached}) is out; what is stored
     * after that, up to {@code last}, follows at once, then live messages.
     */
    void goLive(Map<Long, Long> reached, Map<Long, Long> last) {
        advanceTo(reached);
        live = true;
        last.forEach((t, seq) -> pending.merge(t, seq, Math::max));
        fill();
    }

    /**
     * Loop thread: a sync reply goes out carrying the messages up to {@code reached}; if nothing is
     * left ({@code more} false) the outbox goes live from there.
     */
    void syncPage(byte[] reply, Map<Long, Long> reached, boolean more) {
        connection.sendEncoded(reply);
        if (closed) {
            return;
        }
        if (live) { // a repeated sync: what was written live stays written
            reached.forEach((t, seq) -> pos.merge(t, seq, Math::max));
        } else {
            pos.putAll(reached);
        }
        if (!more) {
            live = true;
            fill();
        }
    }

    /**
     * Loop thread: the store holds messages up to {@code last} (another node stored them, or a
     * group was joined): send what is missing. A timeline not known yet starts at {@code acked}.
     */
    void refresh(Map<Long, Long> acked, Map<Long, Long> last) {
        acked.forEach(pos::putIfAbsent);
        last.forEach((t, seq) -> pending.merge(t, seq, Math::max));
        if (live && !filling) {
            fill();
        }
    }

    /** Loop thread: the user logged out or the connection closed: nothing more is written. */
    void close() {
        closed = true;
    }

    /** Writes the message; false (nothing counted) if the connection is gone. */
    private boolean write(Messages.Outgoing m) {
        if (!connection.isOpen()) {
            closed = true;
            return false;
        }
        if (!Backlog.own(m.message(), userId)) {
            connection.sendEncoded(m.frame());
        }
        pos.put(m.timeline(), m.seq());
        if (!acking) {
            noteSent(m.timeline(), m.seq());
            onAdvance.accept(this);
        }
        return true;
    }

    /** The login reply that carried the messages up to {@code reached} is queued: they count once it leaves. */
    private void advanceTo(Map<Long, Long> reached) {
        reached.forEach((t, seq) -> pos.merge(t, seq, Math::max));
        if (!acking && !reached.isEmpty()) {
            reached.forEach(this::noteSent);
            onAdvance.accept(this);
        }
    }

    /** Everything queued on the connection so far, this message's frame included, must leave for it to count. */
    private void noteSent(long timeline, long seq) {
        sent.wrote(timeline, seq, connection.queuedOutputBytes(), connection.writtenOutputBytes());
    }

    /** Reads from the store what lies between the positions and the pending seqs, then writes it. */
    private void fill() {
        if (filling || closed || !live) {
            return;
        }
        Map<Long, Long> from = new HashMap<>();
        pending.entrySet().removeIf(e -> {
            Long known = pos.get(e.getKey());
            if (known == null) {
                return false; // waits for its cursor (resync)
            }
            long p = known;
            if (e.getValue() > p) {
                from.put(e.getKey(), p);
                return false;
            }
            return true;
        });
        if (from.isEmpty() || !connection.isOpen()) {
            return;
        }
        filling = true;
        Map<Long, Long> targets = new HashMap<>(pending);
        if (connection.pendingOutputBytes() > maxPageBytes) { // let the client drain first
            retryLater(10, TimeUnit.MILLISECONDS);
            return;
        }
        workers.execute(() -> {
            Backlog.Page page;
            try {
                page = Backlog.read(store, userId, from, PAGE, maxPageBytes);
            } catch (RuntimeException e) {
                LOG.fine(() -> "cannot read messages for user " + userId + " now: " + e.getMessage());
                connection.loop().execute(() -> retryLater(1, TimeUnit.SECONDS));
                return;
            }
            connection.loop().execute(() -> applyFill(page, from, targets));
        });
    }

    private static long firstOf(Backlog.Page page, long timeline) {
        for (Messages.Outgoing m : page.messages()) {
            if (m.timeline() == timeline) {
                return m.seq();
            }
        }
        return -1;
    }

    private void retryLater(long delay, TimeUnit unit) {
        connection.loop().schedule(delay, unit, () -> {
            filling = false;
            fill();
        });
    }

    private void applyFill(Backlog.Page page, Map<Long, Long> from, Map<Long, Long> targets) {
        filling = false;
        if (closed) {
            return;
        }
        for (Messages.Outgoing m : page.messages()) {
            long p = pos.getOrDefault(m.timeline(), 0L);
            if (m.seq() > p + 1 && m.seq() == firstOf(page, m.timeline()) && from.containsKey(m.timeline())) {
                p = m.seq() - 1; // the store no longer keeps the older ones (MemoryStore retention)
            }
            if (m.seq() == p + 1 && !write(m)) {
                return;
            }
        }
        from.forEach((t, before) -> {
            if (pos.getOrDefault(t, 0L) == before && !page.more() && pending.get(t) != null
                    && pending.get(t).equals(targets.get(t))) {
                // the store has nothing after the position: what was pending is not there (never loop on it)
                LOG.fine(() -> "user " + userId + ": nothing stored after " + before + " in timeline " + t);
                pending.remove(t);
            }
        });
        fill();
    }
}
