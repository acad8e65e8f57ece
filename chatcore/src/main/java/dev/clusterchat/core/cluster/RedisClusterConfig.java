package dev.clusterchat.core.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node joins a Redis-backed cluster. Validated eagerly.
 *
 * @param redis     redis://[:password@]host[:port]
 * @param nodeId    this node's unique id (e.g. "a", "host-6001")
 * @param keyPrefix prefix of every key and channel (runs and deployments never collide)
 * @param nodeTtl   a node that has not refreshed its liveness key for this long is dead, and its
 *                  users offline: the bound on how long a crashed node strands anyone
 * @param heartbeat how often the liveness key is refreshed (well under {@code nodeTtl})
 */
public record RedisClusterConfig(URI redis, String nodeId, String keyPrefix, Duration nodeTtl, Duration heartbeat) {
    public static final Duration DEFAULT_NODE_TTL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);

    public RedisClusterConfig {
        Objects.requireNonNull(redis, "redis");
        if (!"redis".equals(redis.getScheme()) || redis.getHost() == null) {
            throw new IllegalArgumentException("redis must look like redis://host:port, not " + redis);
        }
        Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isBlank() || !nodeId.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("nodeId must be 1 to 64 of A-Z a-z 0-9 . _ : - : '" + nodeId + "'");
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(nodeTtl, "nodeTtl");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive: " + heartbeat);
        }
        if (nodeTtl.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("nodeTtl (" + nodeTtl + ") must be at least twice the heartbeat (" + heartbeat + ")");
        }
    }

    public static RedisClusterConfig of(URI redis, String nodeId, String keyPrefix) {
        return new RedisClusterConfig(redis, nodeId, keyPrefix, DEFAULT_NODE_TTL, DEFAULT_HEARTBEAT);
    }

    public int port() {
        return redis.getPort() < 0 ? 6379 : redis.getPort();
    }

    /** The password from the URI's user info ("redis://:secret@host"), or null. */
    public String password() {
        String info = redis.getUserInfo();
        if (info == null) {
            return null;
        }
        int colon = info.indexOf(':');
        return colon < 0 ? info : info.substring(colon + 1);
    }
}
