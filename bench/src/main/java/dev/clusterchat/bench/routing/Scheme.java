package dev.clusterchat.bench.routing;

import java.util.List;

/**
 * One way to route messages between nodes through Redis pub/sub, set up as three nodes sharing one
 * Redis: A sends, B and C receive. Each instance uses its own key prefix and is used once.
 *
 * <p>Thread safety: {@link #send} is thread-safe; the rest is called from the bench's main thread.
 */
interface Scheme extends AutoCloseable {

    /** "U" (a channel per user) or "N" (a channel per node). */
    String label();

    /** Starts the nodes; what B and C receive goes to these receivers. Returns once they can receive. */
    void start(Receiver b, Receiver c);

    /** Logs these users in on node B or C (one login burst); returns once the node can receive for them. */
    void login(Node node, List<Long> users);

    /** Thread-safe: sends from node A to these users along the scheme's full routing path. */
    void send(List<Long> to, String message, Tally tally);

    /** Client names of node B's and C's subscriber connections (for CLIENT LIST), B first. */
    List<String> subscriberNames();

    /** Stops every node and disconnects; idempotent. */
    @Override
    void close();
}
