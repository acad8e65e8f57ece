package dev.clusterchat.core.service;

import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.StoreException;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;

/**
 * Records deliveries to clients that do not acknowledge (the seed client): a message counts as
 * delivered once the socket has taken its frame ({@link Outbox#sentPositions()}); frames still in
 * the connection's output buffer do not, so a crash loses nothing. Positions are written to the
 * store in the background (every second, see {@link #flush}) and once more when the user leaves;
 * frames still on their way then are recorded by later flushes as they leave. A crash sends again
 * what left in about the last second.
 *
 * <p>Thread safety: {@link #advanced} from loops; the rest from worker threads.
 */
final class AutoAcks {
    private static final Logger LOG = Logger.getLogger(AutoAcks.class.getName());

    private final ChatStore store;
    private final Queue<Outbox> dirty = new ConcurrentLinkedQueue<>();
    private final Set<Outbox> queued = ConcurrentHashMap.newKeySet();
    /** What each outbox has in the store so far; guarded by the outbox. */
    private final Map<Outbox, Map<Long, Long>> flushed = new ConcurrentHashMap<>();
    /** Outboxes whose user has left, kept while frames for it are on their way. */
    private final Set<Outbox> leaving = ConcurrentHashMap.newKeySet();

    AutoAcks(ChatStore store) {
        this.store = store;
    }

    /** Serial task (login): the outbox starts where the store stands. */
    void started(Outbox o, Map<Long, Long> start) {
        flushed.put(o, new HashMap<>(start));
    }

    /** Loop thread: the outbox wrote something; it is flushed with the next round. */
    void advanced(Outbox o) {
        if (queued.add(o)) {
            dirty.add(o);
        }
    }

    /**
     * Worker thread: writes every position the socket has taken past what the store has. An outbox
     * with frames still in its output buffer comes round again.
     */
    void flush() {
        Outbox o;
        int n = dirty.size();
        while (n-- > 0 && (o = dirty.poll()) != null) {
            queued.remove(o);
            boolean tracked;
            try {
                tracked = write(o);
            } catch (StoreException e) {
                LOG.fine("cannot record deliveries now: " + e.getMessage());
                advanced(o); // next round
                return;
            }
            if (tracked) {
                settle(o);
            }
        }
    }

    /**
     * Serial task (logout or close), before the user is released: records what reached the socket.
     * What is still in the output buffer is recorded by later flushes if it leaves, else sent again
     * at the next login.
     */
    void finish(Outbox o) {
        leaving.add(o);
        boolean tracked;
        try {
            tracked = write(o);
        } catch (StoreException e) {
            LOG.warning("cannot record the deliveries of user " + o.userId() + " (" + e.getMessage()
                    + "): they will be sent again at its next login");
            forget(o);
            return;
        }
        if (tracked) {
            settle(o);
        }
    }

    /** After a write: frames still on their way come round again; a gone user's outbox is dropped once none are. */
    private void settle(Outbox o) {
        if (o.inFlight()) {
            advanced(o);
        } else if (leaving.contains(o)) {
            forget(o);
        }
    }

    private void forget(Outbox o) {
        synchronized (o) {
            flushed.remove(o);
        }
        leaving.remove(o);
        queued.remove(o);
    }

    /**
     * Holding the outbox: moves the store's positions forward to those the socket has taken; false
     * if the outbox is not tracked (forgotten, or never started).
     */
    private boolean write(Outbox o) {
        synchronized (o) {
            Map<Long, Long> done = flushed.get(o);
            if (done == null) {
                return false;
            }
            for (Map.Entry<Long, Long> e : o.sentPositions().entrySet()) {
                long t = e.getKey();
                long seq = e.getValue();
                if (seq > done.getOrDefault(t, 0L)) {
                    store.ack(o.userId(), t, seq);
                    done.put(t, seq);
                }
            }
            return true;
        }
    }
}
