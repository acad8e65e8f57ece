package dev.clusterchat.bench.routing;

import dev.clusterchat.core.cluster.Cluster;
import dev.clusterchat.core.cluster.RedisCluster;
import dev.clusterchat.core.cluster.RedisClusterConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Scheme N, ours: chatcore's own {@link RedisCluster}, one per node. A login is a claim; a send is
 * what chatcore's Deliverer does for remote recipients: one locateRemote over all of them, then one
 * publish per node holding some.
 *
 * <p>Thread safety: see {@link Scheme}.
 */
final class PerNodeChannels implements Scheme {
    private static final long SUBSCRIBE_TIMEOUT_MILLIS = 10_000;

    private final URI redis;
    private final String prefix;
    private final String tag;
    private final Predicate<String> subscribed;
    private final Map<Node, RedisCluster> nodes = new EnumMap<>(Node.class);

    /** {@code subscribed} tells whether a channel has a subscriber yet (PUBSUB NUMSUB). */
    PerNodeChannels(URI redis, String prefix, String tag, Predicate<String> subscribed) {
        this.redis = redis;
        this.prefix = prefix;
        this.tag = tag;
        this.subscribed = subscribed;
    }

    @Override
    public String label() {
        return "N";
    }

    @Override
    public void start(Receiver b, Receiver c) {
        Map<Node, Receiver> receivers = Map.of(Node.B, b, Node.C, c);
        for (Node n : Node.values()) {
            RedisCluster cluster = new RedisCluster(RedisClusterConfig.of(redis, nodeId(n), prefix));
            nodes.put(n, cluster);
            cluster.start(inbound(receivers.get(n)));
        }
        long deadline = System.currentTimeMillis() + SUBSCRIBE_TIMEOUT_MILLIS;
        for (Node n : List.of(Node.B, Node.C)) {
            // RedisCluster subscribes on a thread of its own and says nothing when done: ask Redis
            String channel = prefix + "ch:" + nodeId(n);
            while (!subscribed.test(channel)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("node " + nodeId(n) + " did not subscribe to " + channel + " in time");
                }
                LockSupport.parkNanos(1_000_000); // nothing to wait on but Redis's answer
            }
        }
    }

    private static Cluster.Inbound inbound(Receiver receiver) {
        return new Cluster.Inbound() {
            @Override
            public void deliver(List<Long> userIds, String message) {
                if (receiver != null) {
                    receiver.delivered(userIds.size(), message);
                }
            }

            @Override
            public void syncOffline(long userId) {
            }

            @Override
            public void reconnected() {
            }
        };
    }

    @Override
    public void login(Node node, List<Long> users) {
        RedisCluster cluster = nodes.get(node);
        for (long u : users) {
            String holder = cluster.claim(u);
            if (holder != null) {
                throw new IllegalStateException("user " + u + " is already held by node " + holder);
            }
        }
    }

    @Override
    public void send(List<Long> to, String message, Tally tally) {
        RedisCluster a = nodes.get(Node.A);
        Map<Long, String> remote = a.locateRemote(to);
        tally.commands.increment();
        Map<String, List<Long>> byNode = new HashMap<>();
        remote.forEach((user, node) -> byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(user));
        for (Map.Entry<String, List<Long>> e : byNode.entrySet()) {
            boolean received = a.publish(e.getKey(), e.getValue(), message);
            tally.commands.increment();
            if (!received) {
                tally.undelivered.add(e.getValue().size());
            }
        }
        tally.undelivered.add(to.size() - remote.size());
        tally.messages.increment();
    }

    @Override
    public List<String> subscriberNames() {
        return List.of("chatd-" + nodeId(Node.B) + "-sub", "chatd-" + nodeId(Node.C) + "-sub");
    }

    @Override
    public void close() {
        nodes.values().forEach(RedisCluster::close);
        nodes.clear();
    }

    private String nodeId(Node n) {
        return "rb" + tag + "N" + n;
    }
}
