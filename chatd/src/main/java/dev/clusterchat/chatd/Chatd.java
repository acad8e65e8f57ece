package dev.clusterchat.chatd;

import dev.clusterchat.core.admin.AdminServer;
import dev.clusterchat.core.cluster.Cluster;
import dev.clusterchat.core.cluster.ClusterUnavailableException;
import dev.clusterchat.core.cluster.RedisCluster;
import dev.clusterchat.core.cluster.RedisClusterConfig;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.service.AbuseLimits;
import dev.clusterchat.core.service.ChatLimits;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.service.PasswordHasher;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.journal.JournalStore;
import dev.clusterchat.core.store.jdbc.JdbcStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The chat server daemon: chatcore's {@link ChatServer} on the embedded store (H2 plus a message journal) by default, or on
 * any JDBC database. Runs until SIGINT/SIGTERM, then stops gracefully and exits 0.
 */
@Command(name = "chatd", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {
                "Cluster chat server, wire-compatible with the seed C++ chat client.",
                "With no options it serves port 6000 on all interfaces, keeping its data in an",
                "embedded store under ./chatd-data (H2 for users and groups, an append-only",
                "journal for messages; it survives restarts).",
                ""},
        footer = {"",
                "Every option can also come from an environment variable CHATD_<OPTION>",
                "(CHATD_PORT=6001, CHATD_ADMIN_PORT=9100, CHATD_DB_PASSWORD=...) or from the",
                "properties file named by --config or CHATD_CONFIG: one option a line, named",
                "without its dashes (port=6001, db-user=chat). The command line wins over the",
                "environment, which wins over the file; the defaults above come last. A bad",
                "value from either is reported like a bad flag.",
                "",
                "Admin endpoint (--admin-port): GET /health (liveness), /health/ready (200, or",
                "503 naming the store or cluster that is down), /metrics (Prometheus text).",
                "See docs/OPERATIONS.md.",
                "",
                "Exit codes: 0 stopped cleanly, 1 could not start (port, database),",
                "2 bad options."})
public final class Chatd implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(Chatd.class.getName());

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "6000", description = "TCP port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--io-threads", paramLabel = "N", description = "I/O event loops that own the connections (default: one per processor, here ${DEFAULT-VALUE}).")
    int ioThreads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--workers", paramLabel = "N", description = "Worker threads for handlers and database calls (default: ${DEFAULT-VALUE}).")
    int workers = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "chatd-data", description = "Directory of the embedded store (H2 database and message journal), used when --db is not given (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--db", paramLabel = "JDBC-URL", description = "Database instead of the embedded one, e.g. jdbc:mariadb://127.0.0.1:3306/chat. The schema is created if missing.")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "Database user (or $CHATD_DB_USER).")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD", description = "Database password (or $CHATD_DB_PASSWORD, which keeps it out of the process list).")
    String dbPassword;

    @Option(names = "--db-pool", paramLabel = "N", defaultValue = "8", description = "Database connections kept open (default: ${DEFAULT-VALUE}).")
    int dbPool;

    @Option(names = "--redis", paramLabel = "URI", description = "Join a cluster through Redis, e.g. redis://127.0.0.1:6379 (presence and cross-node delivery). Without it chatd is a single node.")
    java.net.URI redis;

    @Option(names = "--node-id", paramLabel = "ID", description = "This node's id in the cluster (default: host name and port).")
    String nodeId;

    @Option(names = "--redis-prefix", paramLabel = "PREFIX", defaultValue = "chat:", description = "Prefix of every Redis key and channel (default: ${DEFAULT-VALUE}).")
    String redisPrefix;

    @Option(names = "--node-ttl", paramLabel = "SECONDS", defaultValue = "10", description = "Seconds after which a node that stopped heartbeating (crashed, killed, cut off) is dead and its users can log in elsewhere; heartbeats go every TTL/5 (default: ${DEFAULT-VALUE}).")
    int nodeTtlSeconds;

    @Option(names = "--init-db", description = "Apply the schema to the database and exit (idempotent; chatd also applies it on every start).")
    boolean initDb;

    @Option(names = "--password-iterations", paramLabel = "N", description = "PBKDF2 cost of new password hashes (default: ${DEFAULT-VALUE}). Existing hashes keep their own cost.")
    int passwordIterations = PasswordHasher.DEFAULT_ITERATIONS;

    @Option(names = "--max-frame", paramLabel = "BYTES", defaultValue = "65536", description = "Longest frame in bytes; a longer one closes the connection (default: ${DEFAULT-VALUE}).")
    int maxFrame;

    @Option(names = "--max-message", paramLabel = "CHARS", defaultValue = "8192", description = "Longest chat message text in characters (default: ${DEFAULT-VALUE}).")
    int maxMessage;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "0", description = "Close connections silent for this many seconds; 0 never (default: ${DEFAULT-VALUE}). Clients keep alive with ping (msgid 18).")
    int idleTimeoutSeconds;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "0", description = "Refuse connections beyond this many with errno 18 (server full); 0 means no limit (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--high-water", paramLabel = "BYTES", defaultValue = "4194304", description = "Output bytes queued for a client that does not read before it is disconnected; the chat messages it did not get are stored for its next login (default: ${DEFAULT-VALUE}).")
    int highWater;

    @Option(names = "--frame-timeout", paramLabel = "SECONDS", defaultValue = "30", description = "Close a connection whose frame is begun but not completed within this time (slowloris); 0 never (default: ${DEFAULT-VALUE}).")
    int frameTimeoutSeconds;

    @Option(names = "--login-timeout", paramLabel = "SECONDS", defaultValue = "120", description = "Close a connection that has not logged in this long after connecting; 0 never (default: ${DEFAULT-VALUE}).")
    int loginTimeoutSeconds;

    @Option(names = "--keepalive", paramLabel = "SECONDS", defaultValue = "60", description = "TCP keepalive after this many quiet seconds, so a client that vanished without closing is dropped about 30 s later; 0 off (default: ${DEFAULT-VALUE}).")
    int keepAliveSeconds;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "200", description = "Requests per second one connection may send; more get errno 16, and a connection that keeps at it is disconnected; 0 no limit (default: ${DEFAULT-VALUE}).")
    int rateLimit;

    @Option(names = "--rate-burst", paramLabel = "N", description = "Requests one connection may send at once above the rate (default: twice --rate-limit).")
    Integer rateBurst;

    @Option(names = "--login-failures-per-user", paramLabel = "N", defaultValue = "5", description = "Failed logins for one user id per window before its logins are refused with errno 17 until the window ends; 0 no limit (default: ${DEFAULT-VALUE}).")
    int loginFailuresPerUser;

    @Option(names = "--login-failures-per-address", paramLabel = "N", defaultValue = "50", description = "Failed logins from one IP address (IPv6: one /64) per window before its logins are refused; 0 no limit. Behind nginx, give --trusted-proxy so that clients are told apart (default: ${DEFAULT-VALUE}).")
    int loginFailuresPerAddress;

    @Option(names = "--login-failure-window", paramLabel = "SECONDS", defaultValue = "60", description = "The window of both login failure counts (default: ${DEFAULT-VALUE}).")
    int loginFailureWindowSeconds;

    @Option(names = "--trusted-proxy", paramLabel = "ADDR", split = ",", description = "Address of a TCP proxy (e.g. nginx with proxy_protocol on) whose connections begin with a PROXY protocol v1 header naming the real client, used for login limits and logs; repeat or separate with commas. Clients connecting directly are unaffected.")
    java.util.List<String> trustedProxies = new java.util.ArrayList<>();

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO", description = "One of SEVERE, WARNING, INFO, FINE (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(names = "--connection-log-level", paramLabel = "LEVEL", defaultValue = "FINE", description = "Level of the one log line per connection event: opened (with the address), logged in, logged out, closed (with the reason). At the default, ${DEFAULT-VALUE}, an INFO log leaves them out; INFO shows them, OFF drops them.")
    String connectionLogLevel;

    @Option(names = "--admin-port", paramLabel = "PORT", description = "Serve the admin endpoint (health, readiness, metrics) over HTTP on this port; 0 picks a free one (logged). Off unless given.")
    Integer adminPort;

    @Option(names = "--admin-host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address of the admin endpoint (default: ${DEFAULT-VALUE}, this machine only).")
    String adminHost;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file of option values, e.g. port=6001 (see below).")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile ChatServer running;
    private volatile AdminServer admin;

    public static void main(String[] args) {
        System.exit(commandLine(new Chatd(), System.getenv()).execute(args));
    }

    /** chatd's command line, taking option values from this environment and --config too. */
    static CommandLine commandLine(Chatd chatd, Map<String, String> env) {
        return Cli.configure(new CommandLine(chatd).setDefaultValueProvider(new ConfigDefaults(env)));
    }

    @Override
    public Integer call() throws Exception {
        Logs.configure(logLevel, spec.commandLine());
        ChatServerConfig config = config();
        InetSocketAddress adminAddress = adminAddress();
        Cluster cluster = cluster();
        ChatStore store = openStore();
        if (initDb) {
            store.close();
            spec.commandLine().getOut().println("schema applied to " + describeStore());
            return 0;
        }
        ChatServer server;
        try {
            server = new ChatServer(config, store, cluster).start();
        } catch (UncheckedIOException | ClusterUnavailableException e) {
            store.close();
            throw new Cli.StartupException(e.getMessage());
        }
        if (adminAddress != null) {
            try {
                admin = new AdminServer(adminAddress, server).start();
            } catch (UncheckedIOException e) {
                server.stop(Duration.ofSeconds(10));
                store.close();
                throw new Cli.StartupException(e.getMessage());
            }
        }
        running = server;
        LOG.info("chatd listening on " + host + ":" + server.port() + " with " + ioThreads + " I/O loops on "
                + describeStore() + (redis == null ? ", single node" : ", node '" + cluster.nodeId() + "' of the cluster at " + redis));
        if (admin != null) {
            LOG.info("chatd admin endpoint on http://" + adminHost + ":" + admin.port() + "/ (/health, /health/ready, /metrics)");
        }
        Signals.onStop(stopRequested::countDown);
        stopRequested.await();
        LOG.info("chatd stopping: closing " + server.connections() + " connections, " + server.onlineUsers() + " users online");
        if (admin != null) {
            admin.stop();
        }
        server.stop(Duration.ofSeconds(10));
        store.close();
        LOG.info("chatd stopped");
        return 0;
    }

    /** Thread-safe: asks a running chatd to stop (what SIGTERM does). */
    void requestStop() {
        stopRequested.countDown();
    }

    /** The running server, or null before start (for tests). */
    ChatServer server() {
        return running;
    }

    /** The admin endpoint, or null if it is off or not started yet (for tests). */
    AdminServer admin() {
        return admin;
    }

    ChatServerConfig config() {
        ServerConfig net;
        ChatLimits limits;
        try {
            net = ServerConfig.defaults(port).withHost(host).withIoThreads(ioThreads)
                    .withMaxFrameLength(maxFrame)
                    .withHighWaterMark(Math.max(highWater, maxFrame))
                    .withIdleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
                    .withMaxConnections(maxConnections)
                    .withFrameTimeout(Duration.ofSeconds(frameTimeoutSeconds))
                    .withKeepAlive(Duration.ofSeconds(keepAliveSeconds));
            limits = new ChatLimits(ChatLimits.DEFAULTS.maxNameLength(), ChatLimits.DEFAULTS.maxPasswordLength(),
                    ChatLimits.DEFAULTS.maxDescriptionLength(), maxMessage);
            AbuseLimits abuse = AbuseLimits.DEFAULTS
                    .withRequestRate(rateLimit, rateBurst != null ? rateBurst : (int) Math.min(Integer.MAX_VALUE, 2L * rateLimit))
                    .withLoginFailures(loginFailuresPerUser, loginFailuresPerAddress, Duration.ofSeconds(loginFailureWindowSeconds))
                    .withLoginTimeout(Duration.ofSeconds(loginTimeoutSeconds));
            java.util.List<java.net.InetAddress> proxies = new java.util.ArrayList<>();
            for (String a : trustedProxies) {
                try {
                    proxies.add(java.net.InetAddress.getByName(a.strip()));
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalArgumentException("--trusted-proxy: unknown host '" + a + "'");
                }
            }
            return ChatServerConfig.defaults(net).withWorkerThreads(workers).withPasswordIterations(passwordIterations)
                    .withTrustedProxies(proxies)
                    .withLimits(limits).withAbuseLimits(abuse)
                    .withConnectionLogLevel(Logs.level(connectionLogLevel, "--connection-log-level", spec.commandLine()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Where the admin endpoint listens, or null if it is off. */
    private InetSocketAddress adminAddress() {
        if (adminPort == null) {
            return null;
        }
        if (adminPort < 0 || adminPort > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--admin-port must be between 0 and 65535: " + adminPort);
        }
        return new InetSocketAddress(adminHost, adminPort);
    }

    private Cluster cluster() {
        if (redis == null) {
            return Cluster.single();
        }
        try {
            String id = nodeId != null ? nodeId : defaultNodeId();
            return new RedisCluster(new RedisClusterConfig(redis, id, redisPrefix, Duration.ofSeconds(nodeTtlSeconds),
                    Duration.ofMillis(Math.max(200, nodeTtlSeconds * 1000L / 5))));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private String defaultNodeId() {
        String h;
        try {
            h = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            h = "node";
        }
        return (h + "-" + port).replaceAll("[^A-Za-z0-9._:-]", "-");
    }

    private ChatStore openStore() {
        try {
            if (dbUrl == null) {
                return JournalStore.open(dataDir);
            }
            return JdbcStore.open(dbUrl, dbUser, dbPassword, dbPool);
        } catch (StoreException e) {
            throw new Cli.StartupException(e.getMessage());
        }
    }

    private String describeStore() {
        return dbUrl == null ? "the embedded store (H2 and a message journal) in " + dataDir.toAbsolutePath() : dbUrl;
    }
}
