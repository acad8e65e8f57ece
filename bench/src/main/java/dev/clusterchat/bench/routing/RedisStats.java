package dev.clusterchat.bench.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What the bench asks Redis about itself (INFO, CLIENT LIST, PUBSUB NUMSUB) and the cleanup of a
 * run's keys, on one connection of its own. Thread-safe (every method holds the connection).
 */
final class RedisStats implements AutoCloseable {
    /** One client connection as CLIENT LIST shows it: subscriptions, output buffer and total memory. */
    record Client(String name, long channels, long outputBufferBytes, long totalBytes) {
    }

    private final Jedis jedis;

    RedisStats(HostAndPort address, String password) {
        this.jedis = new Jedis(address, DefaultJedisClientConfig.builder().password(password)
                .connectionTimeoutMillis(1000).socketTimeoutMillis(5000).clientName("routingbench-stats").build());
        jedis.ping();
    }

    synchronized String version() {
        return field(jedis.info("server"), "redis_version");
    }

    /** INFO memory used_memory, in bytes. */
    synchronized long usedMemory() {
        return Long.parseLong(field(jedis.info("memory"), "used_memory"));
    }

    /** Redis's own CPU time so far (user + system, all its threads), in microseconds. */
    synchronized long cpuMicros() {
        String info = jedis.info("cpu");
        double seconds = Double.parseDouble(field(info, "used_cpu_user")) + Double.parseDouble(field(info, "used_cpu_sys"));
        return Math.round(seconds * 1e6);
    }

    /** Whether the channel has at least one subscriber. */
    synchronized boolean subscribed(String channel) {
        return jedis.pubsubNumSub(channel).getOrDefault(channel, 0L) > 0;
    }

    /** The connections with these client names, by name (absent names are left out). */
    synchronized Map<String, Client> clients(Collection<String> names) {
        Map<String, Client> out = new HashMap<>();
        for (String line : jedis.clientList().split("\n")) {
            Map<String, String> f = new HashMap<>();
            for (String kv : line.trim().split(" ")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    f.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            String name = f.get("name");
            if (name != null && names.contains(name)) {
                out.put(name, new Client(name, number(f, "sub"), number(f, "omem"), number(f, "tot-mem")));
            }
        }
        return out;
    }

    /** Deletes every key whose name starts with {@code prefix}; returns how many. */
    synchronized long deleteByPrefix(String prefix) {
        ScanParams params = new ScanParams().match(prefix + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        long deleted = 0;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            List<String> keys = new ArrayList<>(page.getResult());
            if (!keys.isEmpty()) {
                deleted += jedis.del(keys.toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return deleted;
    }

    private static long number(Map<String, String> fields, String name) {
        String v = fields.get(name);
        return v == null ? -1 : Long.parseLong(v);
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new IllegalStateException("Redis INFO has no " + name);
    }

    @Override
    public synchronized void close() {
        jedis.close();
    }
}
