package dev.clusterchat.bench.routing;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;

/**
 * Scheme U, the seed servers' routing: each node SUBSCRIBEs, on its one subscriber connection, to
 * a channel per user as the user logs in; a send is one PUBLISH per recipient to that recipient's
 * channel, and 0 receivers means offline.
 *
 * <pre>
 *   {prefix}u:{user id}   pub/sub channel of one user, subscribed by the node holding the user
 *   {prefix}node:{id}     pub/sub channel a node subscribes to first (its subscriber needs one)
 * </pre>
 *
 * <p>A login returns once Redis has confirmed the SUBSCRIBE: before that a message to the user
 * would find no receiver. Thread safety: see {@link Scheme}.
 */
final class PerUserChannels implements Scheme {
    private static final Logger LOG = Logger.getLogger(PerUserChannels.class.getName());
    private static final long CONFIRM_TIMEOUT_SECONDS = 10;

    private final HostAndPort address;
    private final String password;
    private final String prefix;
    private final String tag;
    private final Map<Node, Subscriber> subscribers = new EnumMap<>(Node.class);
    private JedisPooled publisher;

    PerUserChannels(HostAndPort address, String password, String prefix, String tag) {
        this.address = address;
        this.password = password;
        this.prefix = prefix;
        this.tag = tag;
    }

    @Override
    public String label() {
        return "U";
    }

    @Override
    public void start(Receiver b, Receiver c) {
        publisher = new JedisPooled(address, DefaultJedisClientConfig.builder().password(password)
                .connectionTimeoutMillis(1000).socketTimeoutMillis(2000).clientName(clientName(Node.A)).build());
        subscribers.put(Node.B, new Subscriber(Node.B, b));
        subscribers.put(Node.C, new Subscriber(Node.C, c));
    }

    @Override
    public void login(Node node, List<Long> users) {
        List<String> channels = new ArrayList<>(users.size());
        users.forEach(u -> channels.add(channel(u)));
        subscribers.get(node).subscribe(channels);
    }

    @Override
    public void send(List<Long> to, String message, Tally tally) {
        for (long user : to) {
            long receivers = publisher.publish(channel(user), message);
            tally.commands.increment();
            if (receivers == 0) {
                tally.undelivered.increment();
            }
        }
        tally.messages.increment();
    }

    @Override
    public List<String> subscriberNames() {
        return List.of(clientName(Node.B) + "-sub", clientName(Node.C) + "-sub");
    }

    @Override
    public void close() {
        subscribers.values().forEach(Subscriber::close);
        subscribers.clear();
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
    }

    private String channel(long user) {
        return prefix + "u:" + user;
    }

    private String clientName(Node node) {
        return "routingbench-" + tag + "-U" + node;
    }

    /** One node's subscriber connection and the thread that reads it. */
    private final class Subscriber extends JedisPubSub {
        private final String control;
        private final Receiver receiver;
        private final Semaphore confirmed = new Semaphore(0);
        private final Jedis connection;
        private final Thread thread;
        private volatile boolean closing;

        Subscriber(Node node, Receiver receiver) {
            this.control = prefix + "node:" + node;
            this.receiver = receiver;
            this.connection = new Jedis(address, DefaultJedisClientConfig.builder().password(password)
                    .connectionTimeoutMillis(1000).socketTimeoutMillis(0).clientName(clientName(node) + "-sub").build());
            this.thread = new Thread(this::readForever, "routing-U-subscriber-" + node);
            thread.setDaemon(true);
            thread.start();
            try {
                awaitConfirmations(1);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private void readForever() {
            try {
                connection.subscribe(this, control);
            } catch (Throwable t) {
                if (!closing) {
                    LOG.log(Level.WARNING, "scheme U subscriber lost Redis: " + t.getMessage());
                }
            }
        }

        /** Main thread: one SUBSCRIBE naming every channel, then waits until Redis confirmed each. */
        void subscribe(List<String> channels) {
            subscribe(channels.toArray(String[]::new));
            awaitConfirmations(channels.size());
        }

        private void awaitConfirmations(int n) {
            try {
                if (!confirmed.tryAcquire(n, CONFIRM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Redis did not confirm " + n + " subscriptions within "
                            + CONFIRM_TIMEOUT_SECONDS + " s (" + control + ")");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for subscriptions on " + control, e);
            }
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            confirmed.release();
        }

        @Override
        public void onMessage(String channel, String message) {
            receiver.delivered(1, message);
        }

        void close() {
            closing = true;
            connection.disconnect(); // Redis drops every subscription of the connection at once
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
