package dev.clusterchat.core.testsupport;

import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A key prefix of its own on the real Redis (127.0.0.1:6379, or CHAT_TEST_REDIS_URI), whose keys
 * are deleted on close, so runs never collide. {@link #create()} skips the calling test (or fails
 * it in CI) when Redis is not reachable.
 */
public final class RedisPrefix implements AutoCloseable {
    public static final java.net.URI URI = java.net.URI.create(
            System.getenv().getOrDefault("CHAT_TEST_REDIS_URI", "redis://127.0.0.1:6379"));

    private final String prefix;

    private RedisPrefix(String prefix) {
        this.prefix = prefix;
    }

    public static RedisPrefix create() {
        Services.requireTcp("Redis", URI.getHost(), URI.getPort() < 0 ? 6379 : URI.getPort());
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        return new RedisPrefix("chattest:" + HexFormat.of().formatHex(random) + ":");
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public void close() {
        try (JedisPooled redis = new JedisPooled(URI)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, new ScanParams().match(prefix + "*").count(500));
                page.getResult().forEach(redis::del);
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }
}
