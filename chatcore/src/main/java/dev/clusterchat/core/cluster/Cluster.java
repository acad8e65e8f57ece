package dev.clusterchat.core.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Presence (which node holds which user) and delivery between nodes. A single node uses
 * {@link #single()}, which knows only itself; {@link RedisCluster} spans nodes.
 *
 * <p>Thread safety: implementations are thread-safe. Calls may block on the network: call them
 * from worker threads, never from an I/O loop. When the cluster backend is unreachable, calls
 * throw {@link ClusterUnavailableException}.
 */
public interface Cluster extends AutoCloseable {

    /** What a node does with deliveries from other nodes. Called on the cluster's own thread. */
    interface Inbound {
        /** Deliver a serialized message to these users, who were logged in on this node. */
        void deliver(List<Long> userIds, String message);

        /** The user's offline messages changed while it was online here: send them live. */
        void syncOffline(long userId);

        /** The connection to the backend was (re)established: claim every user logged in here again. */
        void reconnected();
    }

    /** This node's id. */
    String nodeId();

    /** Starts heartbeats and inbound delivery. Call once, before serving. */
    void start(Inbound inbound);

    /**
     * Claims the user for this node. Returns null on success, or the id of the live node that
     * already holds the user.
     */
    String claim(long userId);

    /** Releases the user if this node holds it. */
    void release(long userId);

    /** For each user held by a live node other than this one, that node's id; others are absent. */
    Map<Long, String> locateRemote(Collection<Long> userIds);

    /** Whether the user is held by a live node (this one included). */
    boolean isOnline(long userId);

    /**
     * Sends a message to users held by another node; false if that node is gone (nobody
     * received it: store it instead).
     */
    boolean publish(String nodeId, List<Long> userIds, String message);

    /** A message for some users held by one node, as {@link #publishAll} takes it. */
    record Delivery(List<Long> userIds, String message) {
    }

    /**
     * Sends messages to users held by another node, in this order, in as few round trips as the
     * backend allows (Redis: one); true if that node received them, false if it is gone.
     */
    default boolean publishAll(String nodeId, List<Delivery> deliveries) {
        boolean received = true;
        for (Delivery d : deliveries) {
            received &= publish(nodeId, d.userIds(), d.message());
        }
        return received;
    }

    /** Asks the node holding the user to send its offline messages live. */
    void requestSync(String nodeId, long userId);

    /**
     * Thread-safe: whether the backend answered lately and the node has recovered from any outage (for
     * readiness checks). Never blocks: it reports what heartbeats and calls saw. A single node is
     * always healthy.
     */
    default boolean healthy() {
        return true;
    }

    /** Stops heartbeats, releases this node's users, disconnects. Idempotent. */
    @Override
    void close();

    /** A cluster of one: nothing is remote, nothing to publish. */
    static Cluster single() {
        return new SingleNode();
    }
}
