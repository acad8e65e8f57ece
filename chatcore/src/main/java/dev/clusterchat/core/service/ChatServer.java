package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.cluster.Cluster;
import dev.clusterchat.core.metrics.ChatMetrics;
import dev.clusterchat.core.metrics.MetricsSnapshot;
import dev.clusterchat.core.metrics.ProcessMetrics;
import dev.clusterchat.core.metrics.TimedStore;
import dev.clusterchat.core.net.LoopLag;
import dev.clusterchat.core.net.TcpServer;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.ChatStore;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The chat service of protocol v1 on a {@link TcpServer}: every seed feature, with framing, a reply
 * to every request, server-side identity and hashed passwords. Embed it with any {@link ChatStore}.
 *
 * <pre>
 *   loops: frame ─> Dispatcher (parse, route) ─┐
 *   workers: connection's serial queue ─> handler ─> store | Deliverer ─> owning loop ─> socket
 * </pre>
 *
 * <p>Every store call is timed ({@link TimedStore}); {@link #metrics()} and {@link #health()} are
 * what an admin endpoint serves.
 *
 * <p>Thread safety: thread-safe; {@link #start()} once, {@link #stop} once. The store stays the
 * caller's to close.
 */
public final class ChatServer {
    private static final Logger LOG = Logger.getLogger(ChatServer.class.getName());

    private final ChatServerConfig config;
    private final ExecutorService workers;
    private final TimedStore store;
    private final ChatMetrics metrics = new ChatMetrics();
    private final LocalSessions sessions = new LocalSessions();
    private final TcpServer tcp;
    private final Cluster cluster;
    private final Deliverer deliverer;
    private final MessageLog log;
    private final AutoAcks autoAcks;
    private final ChatContext ctx;
    private final java.util.Set<Long> pendingReleases = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService retries =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(namedThreads("chat-retry"));

    /** A single node. */
    public ChatServer(ChatServerConfig config, ChatStore store) {
        this(config, store, Cluster.single());
    }

    /** A node of a cluster; the cluster is started by {@link #start()} and closed by {@link #stop}. */
    public ChatServer(ChatServerConfig config, ChatStore store, Cluster cluster) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = new TimedStore(Objects.requireNonNull(store, "store"));
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.workers = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), namedThreads("chat-worker"));
        UserLocks locks = new UserLocks(1024);
        PasswordHasher hasher = new PasswordHasher(config.passwordIterations());
        Deliverer deliverer = new Deliverer(this.store, sessions, workers, cluster, metrics);
        this.deliverer = deliverer;
        this.log = new MessageLog(this.store, 512, 65_536);
        this.autoAcks = new AutoAcks(this.store);
        int maxPageBytes = Math.min(1 << 20, config.net().highWaterMark() / 4);
        Telemetry telemetry = new Telemetry(metrics, config.connectionLogLevel());
        ChatContext ctx = new ChatContext(this.store, sessions, locks, deliverer, hasher, config.limits(), cluster, workers,
                pendingReleases, new LoginThrottle(config.abuse(), System::nanoTime), telemetry, new KnownUsers(), log,
                autoAcks, maxPageBytes);
        this.ctx = ctx;
        Dispatcher dispatcher = Dispatcher.builder(workers)
                .maxQueuedPerConnection(config.maxQueuedPerConnection())
                .abuseLimits(config.abuse())
                .trustedProxies(config.trustedProxies())
                .telemetry(telemetry)
                .route(MsgId.LOGIN, new LoginHandler(ctx, maxPageBytes), false)
                .route(MsgId.REG, new RegisterHandler(ctx), false)
                .route(MsgId.LOGOUT, new LogoutHandler(ctx), true)
                .route(MsgId.ONE_CHAT, new OneChatHandler(ctx), true)
                .route(MsgId.ADD_FRIEND, new AddFriendHandler(ctx), true)
                .route(MsgId.CREATE_GROUP, new CreateGroupHandler(ctx), true)
                .route(MsgId.ADD_GROUP, new JoinGroupHandler(ctx), true)
                .route(MsgId.GROUP_CHAT, new GroupChatHandler(ctx), true)
                .route(MsgId.SYNC, new SyncHandler(ctx), true)
                .route(MsgId.DELIVERED, new DeliveredHandler(ctx), true)
                .route(MsgId.HISTORY, new HistoryHandler(ctx), true)
                .route(MsgId.PING, ChatServer::pong, false, Dispatcher.Mode.LOOP)
                .onDisconnect(session -> LogoutHandler.logout(ctx, session))
                .build();
        this.tcp = new TcpServer(config.net(), dispatcher);
    }

    private static void pong(Request r) {
        JsonObject reply = r.okReply();
        reply.addProperty("time", System.currentTimeMillis());
        r.reply(reply);
    }

    /**
     * Joins the cluster, then binds and starts serving.
     *
     * @throws dev.clusterchat.core.cluster.ClusterUnavailableException if the cluster cannot be reached
     * @throws java.io.UncheckedIOException if the address cannot be bound
     */
    public ChatServer start() {
        try {
            cluster.start(new Inbound());
            tcp.start();
        } catch (RuntimeException e) {
            cluster.close();
            workers.shutdownNow();
            retries.shutdownNow();
            throw e;
        }
        log.start();
        retries.scheduleWithFixedDelay(() -> workers.execute(autoAcks::flush), 1, 1, TimeUnit.SECONDS);
        // recipients nobody could locate (a Redis timeout, say, with the heartbeat fine): their nodes are asked to sync
        retries.scheduleWithFixedDelay(() -> {
            if (cluster.healthy()) { // while it is not, the recovery does it
                workers.execute(deliverer::syncUnlocated);
            }
        }, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** Thread-safe: chat messages waiting to be committed. */
    public int commitQueue() {
        return log.waiting();
    }

    public Cluster cluster() {
        return cluster;
    }

    /**
     * Deliveries from other nodes arrive on the cluster's thread and go to the workers through one
     * serial queue, so they keep the order in which they were published.
     */
    private final class Inbound implements Cluster.Inbound {
        private final SerialExecutor inOrder = new SerialExecutor(workers, Integer.MAX_VALUE);

        @Override
        public void deliver(List<Long> userIds, String message) {
            inOrder.submit(() -> deliverer.deliverHere(userIds, message));
        }

        @Override
        public void syncOffline(long userId) {
            inOrder.submit(() -> deliverer.sync(userId));
        }

        /**
         * Runs on the cluster's thread; throwing makes the cluster call it again later. Releases
         * what could not be released during the outage, claims this node's users again (Redis may
         * have lost everything), hands them what was stored for them meanwhile, and tells other
         * nodes about what this node stored.
         */
        @Override
        public void reconnected() {
            for (long id : List.copyOf(pendingReleases)) {
                ctx.locks().with(id, () -> {
                    if (sessions.get(id) == null) {
                        cluster.release(id);
                    }
                    pendingReleases.remove(id);
                    return null;
                });
            }
            for (long id : sessions.userIds()) {
                String holder = ctx.locks().with(id, () -> sessions.get(id) == null ? null : cluster.claim(id));
                if (holder != null) {
                    LOG.warning("user " + id + " logged in on node " + holder + " during the outage; closing it here");
                    Session s = sessions.get(id);
                    if (s != null) {
                        s.connection().close();
                    }
                    continue;
                }
                deliverer.sync(id);
            }
            deliverer.syncUnlocated();
        }
    }

    /** Thread-safe: the bound port. */
    public int port() {
        return tcp.port();
    }

    /** Thread-safe: users logged in on this node. */
    public int onlineUsers() {
        return sessions.size();
    }

    /** Thread-safe: open connections. */
    public int connections() {
        return tcp.connectionCount();
    }

    public ChatServerConfig config() {
        return config;
    }

    /**
     * Thread-safe: every metric of this node now: connections, logins, requests, errors,
     * deliveries, users online, the retry queue, event-loop lag, store latency and memory. Cheap
     * (counters are read, nothing is asked of the store or the cluster).
     */
    public MetricsSnapshot metrics() {
        MetricsSnapshot.Builder b = MetricsSnapshot.builder();
        b.gauge("chat_connections_open", "Connections open now.").sample(tcp.connectionCount());
        b.counter("chat_connections_accepted_total", "Connections accepted.").sample(tcp.acceptedCount());
        b.counter("chat_connections_rejected_total", "Connections refused at the connection limit.")
                .sample(tcp.rejectedCount());
        metrics.addTo(b);
        b.gauge("chat_users_online", "Users logged in on this node.").sample(sessions.size());
        b.gauge("chat_commit_queue_messages", "Chat messages waiting to be committed to the store.")
                .sample(commitQueue());
        MetricsSnapshot.FamilyBuilder lag = b.gauge("chat_event_loop_lag_seconds",
                "How late each event loop ran its last timer probe (one every 250 ms).");
        MetricsSnapshot.FamilyBuilder maxLag = b.gauge("chat_event_loop_lag_max_seconds",
                "The largest lag of each event loop's probes over the last 10 to 20 seconds.");
        for (LoopLag l : tcp.loopLag()) {
            lag.sample(l.lagNanos() / 1e9, "loop", l.loop());
            maxLag.sample(l.maxLagNanos() / 1e9, "loop", l.loop());
        }
        store.addTo(b);
        ProcessMetrics.addTo(b);
        return b.build();
    }

    /**
     * Thread-safe, blocking (call it off the loops): readiness. Checks the store with one round trip
     * to the database (a few seconds at most) and reads the cluster's state (never blocks).
     */
    public Health health() {
        Health.Component storeState;
        try {
            store.check();
            storeState = new Health.Component("store", true, "ok");
        } catch (RuntimeException e) {
            storeState = new Health.Component("store", false, String.valueOf(e.getMessage()));
        }
        Health.Component clusterState = cluster.healthy()
                ? new Health.Component("cluster", true, "node " + cluster.nodeId())
                : new Health.Component("cluster", false, "node " + cluster.nodeId()
                        + ": backend unreachable, or recovering from an outage");
        return new Health(List.of(storeState, clusterState));
    }

    /**
     * Graceful stop: stop accepting, flush and close every connection (which logs its user out),
     * finish queued work, stop the workers, record the last deliveries. Idempotent.
     */
    public void stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            tcp.stop(timeout);
            log.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            workers.shutdown();
            if (!workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warning("workers still busy after " + timeout + "; interrupting them");
                workers.shutdownNow();
            }
            autoAcks.flush(); // what left after its user did, now that every connection is closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        } finally {
            retries.shutdownNow();
            cluster.close(); // this node's users are offline cluster-wide at once
        }
    }

    static ThreadFactory namedThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
