package dev.clusterchat.bench.routing;

import dev.clusterchat.bench.Cli;
import dev.clusterchat.bench.DurationConverter;
import dev.clusterchat.core.cluster.RedisClusterConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.clients.jedis.HostAndPort;

/** Cross-node routing through Redis pub/sub: a channel per user (U) against a channel per node (N), in one run. */
@Command(name = "routing-bench", mixinStandardHelpOptions = true, versionProvider = RoutingBench.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Cross-node routing through one Redis, two schemes side by side in one run:",
            "  U  a channel per user (the seed servers): a node SUBSCRIBEs to a user's channel at login; a send is one"
                    + " PUBLISH per recipient.",
            "  N  a channel per node (chatcore's RedisCluster, used as is): a login claims the user in the presence"
                    + " hash; a send is one LOCATE (a Lua script over all recipients) and one PUBLISH per node holding"
                    + " some of them.",
            "",
            "Three nodes live in this JVM: A sends, B and C receive. Each round runs U and N in turn (U first in odd"
                    + " rounds, N first in even ones), each from scratch with keys and channels under a prefix unique to"
                    + " the run, deleted afterwards. Per scheme and round:",
            "  login  --users users log in on B, --login-batch at a time, one after the other: latency per login (until"
                    + " Redis confirmed the SUBSCRIBE, or the claim returned), total, Redis CPU, and Redis's used_memory"
                    + " before and after (plus B's subscriber connection from CLIENT LIST).",
            "  1:1    --senders threads on A send to random users on B for --warmup, then --duration measured: sends/s,"
                    + " delivered/s, end-to-end latency (System.nanoTime in the message, read on B's subscriber thread),"
                    + " Redis CPU per send, peak output buffer of the subscribers; lost = sent - delivered after a drain.",
            "  group  the same with a group of --group-size members, half on B and half on C: group messages/s,"
                    + " deliveries/s, Redis commands per message, delivery latency.",
            "A warm-up pass of both schemes (fewer users, --warmup long) runs first and is not counted.",
            "",
            "Progress goes to stderr; the summary (medians over rounds, N/U ratios, the command line) to stdout, as a"
                    + " table or with --json as JSON. Redis is shared: run nothing else against it meanwhile.",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all runs done, nothing lost", "1:a run failed (Redis unreachable, a send failed)",
            "2:bad options", "3:runs done, but some messages were lost"})
public final class RoutingBench implements Callable<Integer> {
    static final int LOST = 3;
    private static final int WARMUP_USERS = 2000;

    @Option(names = "--redis", paramLabel = "URI", defaultValue = "redis://127.0.0.1:6379",
            description = "Redis to measure, redis://[:password@]host[:port] (default: ${DEFAULT-VALUE}).")
    URI redis;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "Runs per scheme (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--users", paramLabel = "N", defaultValue = "10000", description = "Users logged in on node B (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--login-batch", paramLabel = "N", defaultValue = "1",
            description = "Logins per burst: U subscribes to the burst's channels in one SUBSCRIBE, N claims them one by one"
                    + " (default: ${DEFAULT-VALUE}, one login at a time).")
    int loginBatch;

    @Option(names = "--senders", paramLabel = "N", defaultValue = "4", description = "Sending threads on node A (default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "1s", converter = DurationConverter.class,
            description = "Unmeasured load before each measured window, and the length of the warm-up pass; 0 skips that"
                    + " pass: 3, 3s, 500ms, 1m (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured window of each load phase (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--group-size", paramLabel = "N", defaultValue = "200",
            description = "Group members, half on B and half on C (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--message-size", paramLabel = "BYTES", defaultValue = "128",
            description = "Size of a chat message as chatd serializes it, 96..65536 (default: ${DEFAULT-VALUE}).")
    int messageSize;

    @Option(names = "--json", description = "Print the summary (and every run) as JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new RoutingBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        RedisClusterConfig parsed = validate();
        HostAndPort address = new HostAndPort(parsed.redis().getHost(), parsed.port());
        String tag = Long.toString(ProcessHandle.current().pid());
        String runPrefix = "routingbench:" + tag + "-" + System.currentTimeMillis() + ":";
        SchemeRun.Settings settings = new SchemeRun.Settings(users, senders, warmup, duration, groupSize, loginBatch, messageSize);
        List<RoundResult> results = new ArrayList<>();
        String version;
        try (RedisStats stats = connect(address, parsed.password())) {
            version = stats.version();
            Thread cleanup = new Thread(() -> stats.deleteByPrefix(runPrefix), "routing-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                if (!warmup.isZero()) {
                    SchemeRun.Settings light = new SchemeRun.Settings(Math.min(users, Math.max(WARMUP_USERS, groupSize)),
                            senders, Duration.ZERO, warmup, groupSize, loginBatch, messageSize);
                    for (String s : List.of("U", "N")) {
                        String prefix = runPrefix + "w" + s + ":";
                        RoundResult r = new SchemeRun(light, stats).run(scheme(s, address, parsed, prefix, tag, stats), 0, prefix);
                        System.err.println("warm-up " + r.line());
                    }
                }
                SchemeRun runner = new SchemeRun(settings, stats);
                for (int round = 1; round <= rounds; round++) {
                    for (String s : round % 2 == 1 ? List.of("U", "N") : List.of("N", "U")) {
                        String prefix = runPrefix + "r" + round + s + ":";
                        RoundResult r = runner.run(scheme(s, address, parsed, prefix, tag, stats), round, prefix);
                        results.add(r);
                        System.err.println(r.line());
                    }
                }
            } finally {
                stats.deleteByPrefix(runPrefix);
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
        }
        RoutingSummary summary = new RoutingSummary(settings(version, runPrefix), commandLine(), results);
        System.out.println(json ? summary.json() : summary.table());
        if (summary.lost() > 0) {
            spec.commandLine().getErr().println("routing-bench: " + summary.lost() + " deliveries lost");
            return LOST;
        }
        return 0;
    }

    private static RedisStats connect(HostAndPort address, String password) {
        try {
            return new RedisStats(address, password);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach Redis at " + address + ": " + e.getMessage(), e);
        }
    }

    private static Scheme scheme(String label, HostAndPort address, RedisClusterConfig parsed, String prefix, String tag,
                                 RedisStats stats) {
        return "U".equals(label) ? new PerUserChannels(address, parsed.password(), prefix, tag)
                : new PerNodeChannels(parsed.redis(), prefix, tag, stats::subscribed);
    }

    private RedisClusterConfig validate() {
        require(rounds >= 1, "--rounds cannot be less than 1: " + rounds);
        require(users >= 1, "--users cannot be less than 1: " + users);
        require(loginBatch >= 1 && loginBatch <= users, "--login-batch must be between 1 and --users (" + users + "): " + loginBatch);
        require(senders >= 1, "--senders cannot be less than 1: " + senders);
        require(groupSize >= 2, "--group-size cannot be less than 2: " + groupSize);
        require(groupSize - groupSize / 2 <= users,
                "--group-size cannot exceed twice --users, half of the group is on B: " + groupSize);
        require(messageSize >= 96 && messageSize <= 65536, "--message-size must be between 96 and 65536: " + messageSize);
        require(!warmup.isNegative(), "--warmup cannot be negative: " + warmup);
        require(!duration.isZero(), "--duration must be positive: " + DurationConverter.show(duration));
        try {
            return RedisClusterConfig.of(redis, "bench", "");
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--redis: " + e.getMessage());
        }
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private Map<String, Object> settings(String redisVersion, String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("redis", redis.getHost() + ":" + (redis.getPort() < 0 ? 6379 : redis.getPort()) + " (Redis " + redisVersion + ")");
        m.put("users", users);
        m.put("loginBatch", loginBatch);
        m.put("senders", senders);
        m.put("groupSize", groupSize + " (" + (groupSize - groupSize / 2) + " on B, " + groupSize / 2 + " on C)");
        m.put("messageSize", messageSize);
        m.put("warmup", DurationConverter.show(warmup));
        m.put("duration", DurationConverter.show(duration));
        m.put("rounds", rounds);
        m.put("keyPrefix", prefix + " (deleted)");
        m.put("processors", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        return m;
    }

    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "java -cp " + System.getProperty("java.class.path") + " " + RoutingBench.class.getName()
                + (args.isEmpty() ? "" : " " + String.join(" ", args));
    }

    /** The version from the jar's manifest. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RoutingBench.class.getPackage().getImplementationVersion();
            return new String[] {"routing-bench " + (v == null ? "(development)" : v)};
        }
    }
}
