package dev.clusterchat.core.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Presence and cross-node delivery on Redis: a channel per node plus a presence lookup.
 *
 * <pre>
 *   {prefix}presence        hash  user id → node id      (claimed at login, released at logout)
 *   {prefix}node:{id}       string, expires after nodeTtl unless the node's heartbeat refreshes it
 *   {prefix}ch:{id}         pub/sub channel each node subscribes to
 * </pre>
 *
 * A presence entry counts only while its node's liveness key exists, so a node killed with
 * {@code kill -9} strands nobody for longer than {@code nodeTtl}. A publish that reaches no
 * subscriber reports false, and the caller stores the message instead.
 *
 * <p>Thread safety: thread-safe. Blocking: call from workers, never from a loop. Heartbeats and
 * the subscriber run on threads of their own.
 */
public final class RedisCluster implements Cluster {
    private static final Logger LOG = Logger.getLogger(RedisCluster.class.getName());

    private static final String CLAIM_LUA = """
            local cur = redis.call('HGET', KEYS[1], ARGV[1])
            if cur and cur ~= ARGV[2] and redis.call('EXISTS', ARGV[3] .. cur) == 1 then return cur end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return ''
            """;
    private static final String RELEASE_LUA = """
            if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
            return 1
            """;
    /** ARGV[1] node key prefix, ARGV[2..] user ids → for each, its live node or ''. */
    private static final String LOCATE_LUA = """
            local res, alive = {}, {}
            for i = 2, #ARGV do
              local n = redis.call('HGET', KEYS[1], ARGV[i])
              local r = ''
              if n then
                local a = alive[n]
                if a == nil then a = redis.call('EXISTS', ARGV[1] .. n) == 1; alive[n] = a end
                if a then r = n end
              end
              res[#res + 1] = r
            end
            return res
            """;

    private final Script claimScript = new Script(CLAIM_LUA);
    private final Script releaseScript = new Script(RELEASE_LUA);
    private final Script locateScript = new Script(LOCATE_LUA);

    /** A Lua script sent once (SCRIPT LOAD) and then called by its SHA; loaded again after a Redis restart. */
    private final class Script {
        private final String text;
        private volatile String sha;

        Script(String text) {
            this.text = text;
        }

        Object run(List<String> keys, List<String> args) {
            String s = sha;
            if (s == null) {
                s = sha = redis.scriptLoad(text);
            }
            try {
                return redis.evalsha(s, keys, args);
            } catch (JedisNoScriptException e) {
                sha = redis.scriptLoad(text); // Redis restarted and forgot it
                return redis.evalsha(sha, keys, args);
            }
        }
    }

    private final RedisClusterConfig config;
    private final String presenceKey;
    private final String nodeKeyPrefix;
    private final String channelPrefix;
    private final JedisClientConfig clientConfig;
    private final JedisClientConfig subscriberConfig;
    private final HostAndPort address;
    private final JedisPooled redis;
    private final ScheduledExecutorService heartbeats;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** How long a user found on another node is taken to be there without asking Redis again. */
    static final java.time.Duration PRESENCE_TTL = java.time.Duration.ofSeconds(1);
    private final PresenceCache presence;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    /**
     * False from an outage until the heartbeat has recovered from it (health checks read it). The
     * subscriber subscribing again and any call that finds a connection broken (Redis may have
     * restarted empty) ask for recovery too, through {@link #recover()}.
     */
    private volatile boolean heartbeatOk = true;
    /** Heartbeat thread only: the outage under way has been logged. */
    private boolean outageLogged;
    /** Counts requests for recovery, so one made while recovering is not lost. */
    private final AtomicLong recoveryRequests = new AtomicLong();
    private volatile Inbound inbound;
    private volatile Jedis subscriberConnection;
    private volatile Subscriber subscriber;
    private Thread subscriberThread;

    public RedisCluster(RedisClusterConfig config) {
        this.config = config;
        this.presenceKey = config.keyPrefix() + "presence";
        this.nodeKeyPrefix = config.keyPrefix() + "node:";
        this.channelPrefix = config.keyPrefix() + "ch:";
        this.presence = new PresenceCache(PRESENCE_TTL.toNanos(), System::nanoTime);
        this.address = new HostAndPort(config.redis().getHost(), config.port());
        this.clientConfig = DefaultJedisClientConfig.builder().password(config.password())
                .connectionTimeoutMillis(1000).socketTimeoutMillis(2000).clientName("chatd-" + config.nodeId()).build();
        this.subscriberConfig = DefaultJedisClientConfig.builder().password(config.password())
                .connectionTimeoutMillis(1000).socketTimeoutMillis(0).clientName("chatd-" + config.nodeId() + "-sub").build();
        this.redis = new JedisPooled(address, clientConfig);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chat-cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String nodeId() {
        return config.nodeId();
    }

    /** Thread-safe: whether the last call to Redis succeeded (for health checks). */
    public boolean reachable() {
        return reachable.get();
    }

    /**
     * Thread-safe: Redis answered the last call or heartbeat, and the recovery after the last
     * outage (claiming this node's users again) has completed.
     */
    @Override
    public boolean healthy() {
        return reachable.get() && heartbeatOk;
    }

    /**
     * Checks that Redis answers, then starts the heartbeat and the subscriber.
     *
     * @throws ClusterUnavailableException if Redis cannot be reached now
     */
    @Override
    public void start(Inbound in) {
        this.inbound = in;
        call("forget users an earlier run of this node left", this::forgetEarlierRun);
        call("register this node", () -> redis.set(nodeKey(config.nodeId()), String.valueOf(System.currentTimeMillis()),
                SetParams.setParams().px(config.nodeTtl().toMillis())));
        long every = config.heartbeat().toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        subscriberThread = new Thread(this::subscribeForever, "chat-cluster-subscriber");
        subscriberThread.setDaemon(true);
        subscriberThread.start();
    }

    /**
     * Releases every user the presence hash gives to this node id: a node that starts holds nobody
     * yet, and entries an earlier run under the same id left (it was killed, and restarted within
     * or after the liveness TTL) would otherwise come back to life with the new liveness key and
     * keep those users from logging in anywhere else. Each release is conditional (another node
     * may claim the user meanwhile). Returns how many were released.
     */
    private Integer forgetEarlierRun() {
        int released = 0;
        ScanParams params = new ScanParams().count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Map.Entry<String, String>> page = redis.hscan(presenceKey, cursor, params);
            for (Map.Entry<String, String> e : page.getResult()) {
                if (config.nodeId().equals(e.getValue())) {
                    releaseScript.run(List.of(presenceKey), List.of(e.getKey(), config.nodeId()));
                    released++;
                }
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        if (released > 0) {
            LOG.info("released " + released + " users an earlier run of node " + config.nodeId() + " left behind");
        }
        return released;
    }

    /**
     * Heartbeat thread: refreshes this node's liveness key. After an outage (or a new
     * subscription) it recovers: the key first, then the service's {@link Inbound#reconnected()};
     * if that fails, the next heartbeat tries again. It also checks that this node's channel still
     * has its subscriber, and forces a new subscription if a half-open connection lost it.
     */
    private void heartbeat() {
        try {
            call("refresh this node's liveness key", () -> redis.set(nodeKey(config.nodeId()),
                    String.valueOf(System.currentTimeMillis()), SetParams.setParams().px(config.nodeTtl().toMillis())));
            outageLogged = false;
            if (!heartbeatOk) {
                long requests = recoveryRequests.get();
                LOG.info("Redis at " + address + " is reachable; claiming this node's users again");
                Inbound in = inbound;
                if (in != null) {
                    in.reconnected();
                }
                heartbeatOk = recoveryRequests.get() == requests; // asked again meanwhile: another round
            }
            checkSubscriber();
        } catch (ClusterUnavailableException e) {
            if (!outageLogged) {
                LOG.warning(e.getMessage() + "; serving local users only");
                outageLogged = true;
            }
            heartbeatOk = false;
        } catch (Throwable t) {
            heartbeatOk = false; // recovery failed half-way: again at the next heartbeat
            LOG.log(Level.WARNING, "recovering after a Redis outage failed; retrying", t);
        }
    }

    /** Thread-safe: the next heartbeat claims this node's users again and syncs them. */
    private void recover() {
        presence.clear(); // presence may have changed in any way meanwhile
        recoveryRequests.incrementAndGet();
        heartbeatOk = false;
    }

    private void checkSubscriber() {
        Subscriber s = subscriber;
        if (s == null || !s.isSubscribed()) {
            return; // (re)subscribing right now
        }
        String channel = channelPrefix + config.nodeId();
        Object reply = call("count this node's subscribers", () -> redis.sendCommand(Protocol.Command.PUBSUB, "NUMSUB", channel));
        List<?> pair = reply instanceof List<?> l ? l : List.of();
        Object n = pair.size() == 2 ? pair.get(1) : null;
        if (n instanceof Long count && count == 0) {
            LOG.warning("Redis no longer knows this node's subscription; subscribing again");
            Jedis j = subscriberConnection;
            if (j != null) {
                j.disconnect(); // the subscriber loop reconnects
            }
        }
    }

    private void subscribeForever() {
        long backoff = 100;
        boolean first = true;
        while (!closed.get()) {
            try (Jedis j = new Jedis(address, subscriberConfig)) {
                subscriberConnection = j;
                Subscriber s = new Subscriber(!first);
                subscriber = s;
                first = false;
                j.subscribe(s, channelPrefix + config.nodeId());
                backoff = 100;
            } catch (Throwable t) {
                if (closed.get()) {
                    return;
                }
                LOG.log(Level.FINE, "subscriber lost Redis: " + t.getMessage());
                try {
                    Thread.sleep(backoff); // reconnect backoff, nothing to wait on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(2000, backoff * 2);
            }
        }
    }

    /** Receives this node's channel on the subscriber thread. */
    private final class Subscriber extends JedisPubSub {
        private final boolean resubscribed;

        Subscriber(boolean resubscribed) {
            this.resubscribed = resubscribed;
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            if (resubscribed) {
                LOG.info("subscribed to " + channel + " again");
                recover(); // messages published meanwhile were stored
            }
        }

        @Override
        public void onMessage(String channel, String message) {
            try {
                JsonObject env = JsonParser.parseString(message).getAsJsonObject();
                List<Long> ids = env.has("to") ? ids(env.getAsJsonArray("to")) : List.of();
                String type = env.get("t").getAsString();
                if ("b".equals(type)) {
                    for (JsonElement d : env.getAsJsonArray("ms")) {
                        try { // one malformed delivery does not cost the rest of the batch
                            JsonObject delivery = d.getAsJsonObject();
                            inbound.deliver(ids(delivery.getAsJsonArray("to")), delivery.get("m").getAsString());
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "bad delivery in a batch on " + channel + ": " + d, e);
                        }
                    }
                } else if ("m".equals(type)) {
                    inbound.deliver(ids, env.get("m").getAsString());
                } else if ("s".equals(type)) {
                    ids.forEach(inbound::syncOffline);
                }
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "bad cluster message on " + channel + ": " + message, t);
            }
        }
    }

    @Override
    public String claim(long userId) {
        Object r = call("claim user " + userId, () -> claimScript.run(List.of(presenceKey),
                List.of(Long.toString(userId), config.nodeId(), nodeKeyPrefix)));
        String holder = r == null ? "" : r.toString();
        return holder.isEmpty() ? null : holder;
    }

    @Override
    public void release(long userId) {
        call("release user " + userId, () -> releaseScript.run(List.of(presenceKey),
                List.of(Long.toString(userId), config.nodeId())));
    }

    /**
     * Users seen on another node within the presence cache's time to live are answered from it;
     * the rest in one LOCATE round trip.
     */
    @Override
    public Map<Long, String> locateRemote(Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        Map<Long, String> out = new HashMap<>();
        List<String> args = new ArrayList<>(userIds.size() + 1);
        args.add(nodeKeyPrefix);
        List<Long> ids = new ArrayList<>(userIds.size());
        for (long id : userIds) {
            String cached = presence.get(id);
            if (cached != null) {
                out.put(id, cached);
            } else {
                ids.add(id);
                args.add(Long.toString(id));
            }
        }
        if (ids.isEmpty()) {
            return out;
        }
        Object r = call("locate users", () -> locateScript.run(List.of(presenceKey), args));
        List<?> nodes = (List<?>) r;
        for (int i = 0; i < ids.size(); i++) {
            String n = String.valueOf(nodes.get(i));
            if (!n.isEmpty() && !n.equals(config.nodeId())) {
                out.put(ids.get(i), n);
                presence.put(ids.get(i), n);
            }
        }
        return out;
    }

    @Override
    public boolean isOnline(long userId) {
        List<String> args = List.of(nodeKeyPrefix, Long.toString(userId));
        Object r = call("locate user " + userId, () -> locateScript.run(List.of(presenceKey), args));
        return !String.valueOf(((List<?>) r).get(0)).isEmpty();
    }

    @Override
    public boolean publish(String nodeId, List<Long> userIds, String message) {
        JsonObject env = new JsonObject();
        env.addProperty("t", "m");
        JsonArray to = new JsonArray(userIds.size());
        userIds.forEach(to::add);
        env.add("to", to);
        env.addProperty("m", message);
        return send(nodeId, env);
    }

    /** Publishes an envelope to a node's channel (never repeated: it could arrive twice); false if nobody listens. */
    private boolean send(String nodeId, JsonObject env) {
        long receivers = call("publish to node " + nodeId, false, () -> redis.publish(channelPrefix + nodeId, env.toString()));
        if (receivers == 0) {
            presence.forgetNode(nodeId);
        }
        return receivers > 0;
    }

    /** One PUBLISH of envelope {"t":"b","ms":[{"to":[ids],"m":message}, ...]}, delivered in order. */
    @Override
    public boolean publishAll(String nodeId, List<Delivery> deliveries) {
        if (deliveries.size() == 1) {
            return publish(nodeId, deliveries.get(0).userIds(), deliveries.get(0).message());
        }
        JsonArray ms = new JsonArray(deliveries.size());
        for (Delivery d : deliveries) {
            JsonObject one = new JsonObject();
            JsonArray to = new JsonArray(d.userIds().size());
            d.userIds().forEach(to::add);
            one.add("to", to);
            one.addProperty("m", d.message());
            ms.add(one);
        }
        JsonObject env = new JsonObject();
        env.addProperty("t", "b");
        env.add("ms", ms);
        return send(nodeId, env);
    }

    private static List<Long> ids(JsonArray to) {
        List<Long> ids = new ArrayList<>(to.size());
        for (JsonElement e : to) {
            ids.add(e.getAsLong());
        }
        return ids;
    }

    @Override
    public void requestSync(String nodeId, long userId) {
        JsonObject env = new JsonObject();
        env.addProperty("t", "s");
        JsonArray to = new JsonArray(1);
        to.add(userId);
        env.add("to", to);
        call("ask node " + nodeId + " to sync", () -> redis.publish(channelPrefix + nodeId, env.toString()));
    }

    private String nodeKey(String nodeId) {
        return nodeKeyPrefix + nodeId;
    }

    private <T> T call(String what, Supplier<T> action) {
        return call(what, true, action);
    }

    /**
     * Runs an action on Redis; if it fails, Redis counts as unreachable and the caller gets a
     * {@link ClusterUnavailableException}. A pooled connection found closed or reset (Redis
     * restarted) means the other idle ones are dead too: they are all dropped, and a
     * {@code repeatable} action runs once more on a fresh connection, so the first call after a
     * restart does not fail; the next heartbeat recovers as after an outage. A timeout is not
     * repeated (Redis is slow, not gone), nor is the publish of a message (it could arrive twice).
     */
    private <T> T call(String what, boolean repeatable, Supplier<T> action) {
        boolean pooled = redis.getPool().getNumIdle() > 0;
        try {
            return reached(action.get());
        } catch (JedisConnectionException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                throw unreachable(what, e);
            }
            redis.getPool().clear();
            recover(); // Redis may have restarted empty: the next heartbeat claims this node's users again
            if (!repeatable || !pooled) {
                throw unreachable(what, e);
            }
            try {
                return reached(action.get());
            } catch (JedisException again) {
                throw unreachable(what, again);
            }
        } catch (JedisException e) {
            throw unreachable(what, e);
        }
    }

    private <T> T reached(T result) {
        reachable.set(true);
        return result;
    }

    private ClusterUnavailableException unreachable(String what, JedisException e) {
        reachable.set(false);
        return new ClusterUnavailableException("cannot " + what + ": Redis at " + address + " unreachable ("
                + e.getMessage() + ")", e);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        heartbeats.shutdownNow();
        try {
            heartbeats.awaitTermination(3, TimeUnit.SECONDS); // no heartbeat may set the key after it is deleted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Subscriber s = subscriber;
        try {
            if (s != null && s.isSubscribed()) {
                s.unsubscribe();
            }
        } catch (Throwable t) {
            LOG.log(Level.FINE, "unsubscribe", t);
        }
        Jedis j = subscriberConnection;
        if (j != null) {
            try {
                j.disconnect();
            } catch (Throwable ignored) {
                // closing anyway
            }
        }
        try {
            redis.del(nodeKey(config.nodeId())); // every user of this node is offline at once
        } catch (JedisException e) {
            LOG.fine("cannot remove this node's liveness key: " + e.getMessage());
        }
        redis.close();
        if (subscriberThread != null) {
            try {
                subscriberThread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
