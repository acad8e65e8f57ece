package dev.clusterchat.core.service;

import dev.clusterchat.core.cluster.Cluster;
import dev.clusterchat.core.cluster.ClusterUnavailableException;
import dev.clusterchat.core.metrics.ChatMetrics;
import dev.clusterchat.core.net.EventLoop;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.Cursor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells a stored message's recipients about it: those logged in here through their outbox (on
 * their loop), those on other nodes with one publish per node. The message is already in the store,
 * so nothing here can lose it: a recipient that is offline, moving between nodes, or on a node
 * that is gone gets it from the store at its next login, or when its node is asked to sync it.
 *
 * <p>Thread-safe. {@link #notify} does not block: messages for other nodes wait in one queue that a
 * worker drains in order, a batch at a time (one look-up of the recipients, one publish per node
 * for the whole batch); the rest runs on worker threads.
 */
final class Deliverer {
    private static final Logger LOG = Logger.getLogger(Deliverer.class.getName());

    private final ChatStore store;
    private final LocalSessions sessions;
    private final Cluster cluster;
    private final ChatMetrics metrics;
    /** The most messages one publish carries. */
    static final int MAX_BATCH = 256;
    /** The most messages waiting for other nodes (Redis slow); past it, their nodes are asked to sync. */
    static final int MAX_QUEUED = 65_536;
    /** The most bytes of encoded messages waiting for other nodes; past it, the same. */
    static final long MAX_QUEUED_BYTES = 64L << 20;

    /** Messages for users not here, in the order they were stored; drained by one worker at a time. */
    private final ConcurrentLinkedQueue<Remote> remote = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Recipients of messages that found the queue full: their nodes are asked to sync them instead. */
    private final Set<Long> overflow = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Executor workers;

    private record Remote(List<Long> users, Messages.Outgoing message) {
    }
    /** Users told nothing because the cluster could not say where they were. */
    private final Set<Long> unlocated = ConcurrentHashMap.newKeySet();

    Deliverer(ChatStore store, LocalSessions sessions, Executor workers, Cluster cluster, ChatMetrics metrics) {
        this.store = store;
        this.sessions = sessions;
        this.cluster = cluster;
        this.metrics = metrics;
        this.workers = workers;
    }

    /**
     * Any thread, never blocks: a stored message goes to its recipients (and to {@code sender}'s own
     * outbox, which only moves its position: pass 0 for none).
     */
    void notify(Collection<Long> recipients, long sender, Messages.Outgoing m) {
        Map<EventLoop, List<Outbox>> byLoop = new HashMap<>(4);
        if (sender != 0) {
            addLocal(byLoop, sender);
        }
        List<Long> absent = null;
        int live = 0;
        for (long to : recipients) {
            if (addLocal(byLoop, to)) {
                live++;
            } else {
                if (absent == null) {
                    absent = new ArrayList<>();
                }
                absent.add(to);
            }
        }
        offer(byLoop, m);
        metrics.deliveredLive(live);
        if (absent != null) {
            boolean fits = queued.incrementAndGet() <= MAX_QUEUED;
            fits &= queuedBytes.addAndGet(m.frame().length) <= MAX_QUEUED_BYTES;
            if (fits) {
                remote.add(new Remote(absent, m));
            } else {
                queued.decrementAndGet();
                queuedBytes.addAndGet(-m.frame().length);
                overflow.addAll(absent); // stored already: their node reads it when asked to sync
            }
            if (draining.compareAndSet(false, true)) {
                workers.execute(this::drainRemote);
            }
        }
    }

    /**
     * Adds the user's outbox on this node to its loop's list (one task per loop, not per recipient:
     * muduo's fan-out); false if the user is not logged in here.
     */
    private boolean addLocal(Map<EventLoop, List<Outbox>> byLoop, long userId) {
        Session s = sessions.get(userId);
        Outbox o = s == null ? null : s.outbox();
        if (o == null || o.userId() != userId || !s.connection().isOpen()) {
            return false;
        }
        byLoop.computeIfAbsent(s.connection().loop(), l -> new ArrayList<>()).add(o);
        return true;
    }

    /** Hands the message to each loop once, for all of its outboxes. */
    private static void offer(Map<EventLoop, List<Outbox>> byLoop, Messages.Outgoing m) {
        byLoop.forEach((loop, outboxes) -> loop.execute(() -> {
            for (Outbox o : outboxes) {
                try {
                    o.offer(m);
                } catch (RuntimeException e) { // one outbox's trouble stays its own
                    LOG.log(Level.WARNING, "offering a message to user " + o.userId() + " failed", e);
                }
            }
        }));
    }

    /**
     * Worker: publishes what waits for other nodes, a batch at a time, until nothing waits; after
     * each batch, the recipients that found the queue full have their nodes asked to sync. Nothing
     * it meets ends it with the flag still up: a batch whose publishing failed unexpectedly goes
     * the overflow's way (its recipients' nodes are asked to sync).
     */
    private void drainRemote() {
        while (true) {
            List<Remote> batch = new ArrayList<>();
            for (Remote r; batch.size() < MAX_BATCH && (r = remote.poll()) != null; ) {
                queued.decrementAndGet();
                queuedBytes.addAndGet(-r.message().frame().length);
                batch.add(r);
            }
            if (!batch.isEmpty()) {
                try {
                    publish(batch);
                } catch (Throwable t) {
                    LOG.log(Level.WARNING, "publishing to other nodes failed; their nodes will be asked to sync", t);
                    batch.forEach(r -> overflow.addAll(r.users()));
                }
            }
            if (!overflow.isEmpty()) {
                List<Long> users = new ArrayList<>(overflow);
                overflow.removeAll(users);
                try {
                    askToSync(users);
                } catch (Throwable t) {
                    LOG.log(Level.WARNING, "asking other nodes to sync failed; again when the cluster recovers", t);
                    unlocated.addAll(users);
                }
            }
            if (!batch.isEmpty()) {
                continue;
            }
            draining.set(false);
            // a message queued after the poll and before the flag went down: take it, unless another worker did
            if (remote.isEmpty() && overflow.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /**
     * Drainer: one look-up of every recipient in the batch, then one publish per node holding some,
     * carrying their messages in order; the others read theirs from the store at login.
     */
    private void publish(List<Remote> batch) {
        Set<Long> users = new LinkedHashSet<>();
        int recipients = 0;
        for (Remote r : batch) {
            users.addAll(r.users());
            recipients += r.users().size();
        }
        Map<Long, String> where;
        try {
            where = cluster.locateRemote(users);
        } catch (ClusterUnavailableException e) {
            LOG.fine("cannot locate recipients: " + e.getMessage());
            unlocated.addAll(users); // once the cluster is back, those online elsewhere are told to sync
            metrics.stored(recipients);
            return;
        }
        Map<String, List<Cluster.Delivery>> byNode = new LinkedHashMap<>();
        int offline = 0;
        for (Remote r : batch) {
            Map<String, List<Long>> nodes = new LinkedHashMap<>();
            for (long user : r.users()) {
                String node = where.get(user);
                if (node == null) {
                    offline++;
                } else {
                    nodes.computeIfAbsent(node, n -> new ArrayList<>()).add(user);
                }
            }
            nodes.forEach((node, ids) -> byNode.computeIfAbsent(node, n -> new ArrayList<>())
                    .add(new Cluster.Delivery(ids, r.message().json())));
        }
        for (Map.Entry<String, List<Cluster.Delivery>> e : byNode.entrySet()) {
            int count = e.getValue().stream().mapToInt(d -> d.userIds().size()).sum();
            boolean sent;
            try {
                sent = cluster.publishAll(e.getKey(), e.getValue());
            } catch (ClusterUnavailableException ex) {
                sent = false;
                e.getValue().forEach(d -> unlocated.addAll(d.userIds()));
            }
            if (sent) {
                metrics.deliveredRemote(count);
            } else {
                offline += count;
            }
        }
        metrics.stored(offline);
    }

    /**
     * Worker thread: a message another node published for users it found here. Those no longer here
     * (they moved on) have their new node asked to sync.
     */
    void deliverHere(Collection<Long> recipients, String json) {
        Messages.Outgoing m;
        try {
            m = Messages.Outgoing.parse(json);
        } catch (RuntimeException e) {
            m = null;
        }
        if (m == null) {
            LOG.warning("ignoring a malformed message from another node: " + json);
            return;
        }
        List<Long> moved = new ArrayList<>();
        Map<EventLoop, List<Outbox>> byLoop = new HashMap<>(4);
        for (long to : recipients) {
            if (!addLocal(byLoop, to)) {
                moved.add(to);
            }
        }
        offer(byLoop, m);
        if (!moved.isEmpty()) {
            askToSync(moved);
        }
    }

    private void askToSync(Collection<Long> users) {
        try {
            cluster.locateRemote(users).forEach((user, node) -> cluster.requestSync(node, user));
        } catch (ClusterUnavailableException e) {
            unlocated.addAll(users);
        }
    }

    /** Worker thread: the user's store holds messages its outbox here may lack: it reads and sends them. */
    void sync(long userId) {
        Session s = sessions.get(userId);
        Outbox o = s == null ? null : s.outbox();
        if (o == null || o.userId() != userId) {
            return;
        }
        Map<Long, Long> acked = new HashMap<>();
        Map<Long, Long> last = new HashMap<>();
        for (Cursor c : store.cursors(userId)) {
            acked.put(c.timeline(), c.acked());
            last.put(c.timeline(), c.last());
        }
        s.connection().loop().execute(() -> o.refresh(acked, last));
    }

    /**
     * Worker thread, after the cluster comes back and once a second: users who were not told of
     * messages while nobody could say where they were are synced where they are now.
     */
    void syncUnlocated() {
        if (unlocated.isEmpty()) {
            return;
        }
        List<Long> users = new ArrayList<>(unlocated);
        unlocated.removeAll(users);
        try {
            // users on this node are synced by the caller (ChatServer.Inbound.reconnected)
            cluster.locateRemote(users).forEach((user, node) -> cluster.requestSync(node, user));
        } catch (ClusterUnavailableException e) {
            unlocated.addAll(users); // still down: next time
        }
    }
}
