package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.net.TcpServer;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.ChatStore;

import java.time.Duration;
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
 * <p>Thread safety: thread-safe; {@link #start()} once, {@link #stop} once. The store stays the
 * caller's to close.
 */
public final class ChatServer {
    private static final Logger LOG = Logger.getLogger(ChatServer.class.getName());

    private final ChatServerConfig config;
    private final ExecutorService workers;
    private final LocalSessions sessions = new LocalSessions();
    private final TcpServer tcp;

    public ChatServer(ChatServerConfig config, ChatStore store) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(store, "store");
        this.workers = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), namedThreads("chat-worker"));
        UserLocks locks = new UserLocks(1024);
        PasswordHasher hasher = new PasswordHasher(config.passwordIterations());
        Deliverer deliverer = new Deliverer(store, sessions, locks, workers);
        ChatContext ctx = new ChatContext(store, sessions, locks, deliverer, hasher, config.limits());
        Dispatcher dispatcher = Dispatcher.builder(workers)
                .maxQueuedPerConnection(config.maxQueuedPerConnection())
                .route(MsgId.LOGIN, new LoginHandler(ctx), false)
                .route(MsgId.REG, new RegisterHandler(ctx), false)
                .route(MsgId.LOGOUT, new LogoutHandler(ctx), true)
                .route(MsgId.ONE_CHAT, new OneChatHandler(ctx), true)
                .route(MsgId.ADD_FRIEND, new AddFriendHandler(ctx), true)
                .route(MsgId.CREATE_GROUP, new CreateGroupHandler(ctx), true)
                .route(MsgId.ADD_GROUP, new JoinGroupHandler(ctx), true)
                .route(MsgId.GROUP_CHAT, new GroupChatHandler(ctx), true)
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

    /** Binds and starts serving. */
    public ChatServer start() {
        tcp.start();
        return this;
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
     * Graceful stop: stop accepting, flush and close every connection (which logs its user out),
     * finish queued work, stop the workers. Idempotent.
     */
    public void stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        tcp.stop(timeout);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warning("workers still busy after " + timeout + "; interrupting them");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
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
