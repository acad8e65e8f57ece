package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.cluster.Cluster;
import dev.clusterchat.core.cluster.ClusterUnavailableException;
import dev.clusterchat.core.metrics.ChatMetrics;
import dev.clusterchat.core.net.EventLoop;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * Gets a chat message to its recipients: live to those logged in on this node (encoded once,
 * handed once to each loop that owns recipients), one publish per other node that holds
 * recipients, stored for everyone else. A recipient that disappears between lookup and write is
 * routed again, and a node that is gone gets nothing: its share is stored. No path drops a message.
 *
 * <p>Thread-safe. Call from worker threads (it may store or talk to Redis, which block).
 */
final class Deliverer {
    private static final Logger LOG = Logger.getLogger(Deliverer.class.getName());

    private final ChatStore store;
    private final LocalSessions sessions;
    private final UserLocks locks;
    private final Executor workers;
    private final Cluster cluster;
    private final ChatMetrics metrics;
    /** Users whose messages were stored while the cluster could not tell where they were. */
    private final java.util.Set<Long> unlocated = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Deliverer(ChatStore store, LocalSessions sessions, UserLocks locks, Executor workers, Cluster cluster,
              ChatMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.sessions = sessions;
        this.locks = locks;
        this.workers = workers;
        this.cluster = cluster;
    }

    /** A message stays the same object whether delivered live or at the next login. */
    record Outgoing(String json, byte[] frame) {
        static Outgoing of(JsonObject message) {
            return of(message.toString());
        }

        static Outgoing of(String json) {
            return new Outgoing(json, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Delivers to each recipient (the caller excludes the sender), on any node. If storing fails
     * (database down) before anyone got the message, the failure propagates and the sender gets an
     * error; once some recipients have it, the rest is kept for retry instead, so a sender's retry
     * cannot duplicate it.
     */
    void deliver(Collection<Long> recipients, Outgoing message) {
        List<Long> absent = deliverLocal(recipients, message);
        if (absent.isEmpty()) {
            return;
        }
        boolean someoneHasIt = absent.size() < recipients.size();
        Map<Long, String> remote;
        try {
            remote = cluster.locateRemote(absent);
        } catch (ClusterUnavailableException e) {
            LOG.fine("cannot locate remote recipients, storing: " + e.getMessage());
            remote = Map.of();
            unlocated.addAll(absent); // once the cluster is back, those online elsewhere are told to sync
        }
        List<Long> toStore = new ArrayList<>();
        Map<String, List<Long>> byNode = new HashMap<>();
        for (long to : absent) {
            String node = remote.get(to);
            if (node == null) {
                toStore.add(to);
            } else {
                byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(to);
            }
        }
        byNode.forEach((node, users) -> {
            boolean sent;
            try {
                sent = cluster.publish(node, users, message.json());
            } catch (ClusterUnavailableException e) {
                sent = false;
            }
            if (sent) {
                metrics.deliveredRemote(users.size());
            } else {
                toStore.addAll(users);
            }
        });
        if (!toStore.isEmpty()) {
            someoneHasIt |= toStore.size() < absent.size();
            try {
                storeForLater(toStore, message);
            } catch (StoreException e) {
                if (!someoneHasIt) {
                    throw e;
                }
                keepForRetry(toStore, message, e);
            }
        }
    }

    /**
     * Delivers a message already acknowledged to its sender (routed again, handed back, or from
     * another node): whatever cannot be stored now is kept in memory and retried, never dropped.
     */
    void deliverAfterAck(Collection<Long> recipients, Outgoing message) {
        try {
            deliver(recipients, message);
        } catch (StoreException | ClusterUnavailableException e) {
            keepForRetry(recipients, message, e);
        }
    }

    /** A delivery waiting for the store to come back. */
    private record Pending(List<Long> recipients, Outgoing message) {
    }

    private static final int MAX_PENDING = 100_000;
    private final java.util.Queue<Pending> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger pendingCount = new java.util.concurrent.atomic.AtomicInteger();

    private void keepForRetry(Collection<Long> recipients, Outgoing message, RuntimeException cause) {
        if (pendingCount.incrementAndGet() > MAX_PENDING) {
            pendingCount.decrementAndGet();
            LOG.severe("retry queue full (" + MAX_PENDING + "): dropping a message for " + recipients + ": " + message.json());
            return;
        }
        pending.add(new Pending(List.copyOf(recipients), message));
        LOG.warning("cannot store a message for " + recipients + " now (" + cause.getMessage() + "); will retry");
    }

    /** Thread-safe: messages waiting for retry (for health checks and tests). */
    int pendingRetries() {
        return pendingCount.get();
    }

    /** Worker thread: retries kept deliveries in order; stops at the first that still fails. */
    void retryPending() {
        Pending p;
        while ((p = pending.peek()) != null) {
            try {
                deliver(p.recipients(), p.message());
            } catch (StoreException | ClusterUnavailableException e) {
                return; // still down: next time, same order
            }
            pending.poll();
            pendingCount.decrementAndGet();
        }
    }

    void deliver(long to, Outgoing message) {
        deliver(List.of(to), message);
    }

    /**
     * For a message that another node routed here: live to those still logged in here, stored for
     * the rest (never published again, so nothing can bounce between nodes).
     */
    void deliverHere(Collection<Long> recipients, Outgoing message) {
        List<Long> absent = deliverLocal(recipients, message);
        if (!absent.isEmpty()) {
            try {
                storeForLater(absent, message);
            } catch (StoreException | ClusterUnavailableException e) {
                keepForRetry(absent, message, e);
            }
        }
    }

    /** Sends the user's stored messages live, if it is logged in here (another node stored them late). */
    void syncOffline(long userId) {
        Session s = sessions.get(userId);
        if (s == null) {
            return;
        }
        List<String> taken = locks.with(userId, () -> store.takeOffline(userId));
        for (String json : taken) {
            Outgoing m = Outgoing.of(json);
            List<Long> missed = deliverLocal(List.of(userId), m);
            if (!missed.isEmpty()) {
                deliverAfterAck(missed, m);
            }
        }
    }

    /** Hands the message to the loops of recipients logged in here; returns the others. */
    private List<Long> deliverLocal(Collection<Long> recipients, Outgoing message) {
        Map<EventLoop, List<Target>> live = new IdentityHashMap<>();
        List<Long> absent = new ArrayList<>();
        for (long to : recipients) {
            Session s = sessions.get(to);
            if (s != null && s.connection().isOpen()) {
                live.computeIfAbsent(s.connection().loop(), l -> new ArrayList<>()).add(new Target(to, s));
            } else {
                absent.add(to); // a closed connection's loop may be gone (stopping): store instead
            }
        }
        live.forEach((loop, list) -> loop.execute(() -> writeInLoop(list, message)));
        return absent;
    }

    /**
     * Holding the recipients' locks: those who logged in here meanwhile get it live, the rest is
     * stored. A recipient that logged in on another node meanwhile is asked to sync.
     */
    private void storeForLater(List<Long> absent, Outgoing message) {
        List<Long> stored = new ArrayList<>(absent.size());
        locks.withAll(absent, () -> {
            for (long to : absent) {
                Session s = sessions.get(to);
                if (s != null && s.connection().isOpen()) {
                    s.connection().loop().execute(() -> writeInLoop(List.of(new Target(to, s)), message));
                } else {
                    stored.add(to);
                }
            }
            if (!stored.isEmpty()) {
                store.storeOffline(stored, message.json());
                metrics.stored(stored.size());
            }
        });
        if (stored.isEmpty()) {
            return;
        }
        try {
            cluster.locateRemote(stored).forEach((user, node) -> cluster.requestSync(node, user));
        } catch (ClusterUnavailableException e) {
            LOG.fine("cannot check for late logins elsewhere: " + e.getMessage());
            unlocated.addAll(stored);
        }
    }

    /**
     * After the cluster comes back: users whose messages were stored while nobody could tell where
     * they were are asked, on the other node that holds them, to fetch those messages now.
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

    /** A recipient and the session it was found on. */
    private record Target(long userId, Session session) {
    }

    /** Loop thread only: writes to each target still logged in as that user; re-routes the rest. */
    private void writeInLoop(List<Target> targets, Outgoing message) {
        List<Long> missed = null;
        int live = 0;
        for (Target t : targets) {
            Session s = t.session();
            if (s.userId() == t.userId() && s.connection().isOpen()) {
                s.deliverInLoop(message.frame());
                live++;
            } else {
                if (!s.connection().isOpen()) {
                    sessions.release(t.userId(), s); // dead: do not let the next lookup find it again
                }
                if (missed == null) {
                    missed = new ArrayList<>();
                }
                missed.add(t.userId());
            }
        }
        metrics.deliveredLive(live);
        if (missed != null) {
            List<Long> again = missed;
            workers.execute(() -> deliverAfterAck(again, message));
        }
    }
}
