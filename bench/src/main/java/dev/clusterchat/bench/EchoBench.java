package dev.clusterchat.bench;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Echo throughput and latency, chatcore against Netty in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = EchoBench.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Echo benchmark: chatcore's reactor against Netty 4.1 (NIO), in one run.",
            "",
            "For each frame size and each round, each server is started as a separate child JVM (same classpath,"
                    + " same --server-jvm-options, same --io-threads), in the order chatcore, netty, chatcore, netty, ...,"
                    + " so that noise on a shared machine hits both alike. Both servers decode every LF-ended line to a"
                    + " String and encode it back.",
            "",
            "The load client runs in this JVM on plain java.nio: --connections sockets over --client-threads selector"
                    + " threads, each connection in ping-pong (one frame in flight; the echo is checked byte for byte"
                    + " before the next is sent). A frame of SIZE bytes is SIZE-1 ASCII bytes and an LF. After --warmup,"
                    + " echoes completed during --duration are counted and their round trips recorded.",
            "",
            "The server's CPU time (all threads of its JVM, from the OS) over the measured window, divided by the echoes"
                    + " counted, gives 'srv cpu µs/msg': on a shared, noisy machine it is steadier than msgs/s.",
            "",
            "A progress line per run goes to stderr; the summary (per size and server, the median over rounds of msgs/s,"
                    + " p50, p99, p999 and srv cpu µs/msg, then the chatcore/netty ratios of msgs/s and of srv cpu µs/msg)"
                    + " goes to stdout, as a table or with --json as JSON.",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all runs done, no echo errors", "1:a run failed (server did not start, client failed)",
            "2:bad options", "3:runs done, but some echoes were wrong or connections were lost"})
public final class EchoBench implements Callable<Integer> {
    static final int ECHO_ERRORS = 3;
    /** Both servers take lines of up to 64 KiB, terminator excluded. */
    static final int MAX_SIZE = NettyEchoServer.MAX_LINE + 1;

    @Option(names = "--sizes", split = ",", paramLabel = "BYTES", defaultValue = "128,16384",
            description = "Frame sizes in bytes, LF included, 2..65537 (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "Runs per server per size (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "100", description = "Client connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "3s", converter = DurationConverter.class,
            description = "Unmeasured load before each measurement: 3, 3s, 500ms, 1m (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time per run (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--io-threads", paramLabel = "N", description = "I/O threads of each server (default: available processors).")
    int ioThreads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--client-threads", paramLabel = "N", defaultValue = "1", description = "Selector threads of the load client (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--servers", split = ",", paramLabel = "NAME", defaultValue = "chatcore,netty",
            description = "Servers to run, in this order each round: chatcore, netty (default: ${DEFAULT-VALUE}).")
    List<String> servers;

    @Option(names = "--server-jvm-options", paramLabel = "OPTS", defaultValue = "-Xms1g -Xmx1g",
            description = "JVM options for every server process, space-separated (default: ${DEFAULT-VALUE}).")
    String serverJvmOptions;

    @Option(names = "--json", description = "Print the summary (and every run) as JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new EchoBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<ServerKind> kinds = validate();
        List<String> jvmOptions = Arrays.stream(serverJvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        PrintStream progress = System.err;
        List<RunResult> results = new ArrayList<>();
        int total = sizes.size() * rounds * kinds.size();
        int done = 0;
        for (int size : sizes) {
            for (int round = 1; round <= rounds; round++) {
                for (ServerKind kind : kinds) {
                    RunResult r;
                    try (ServerProcess server = ServerProcess.start(kind, jvmOptions, ioThreads)) {
                        EchoLoadClient client = new EchoLoadClient(new InetSocketAddress("127.0.0.1", server.port()),
                                connections, size, clientThreads);
                        r = RunResult.of(kind, size, round, client.run(warmup, duration, server::cpuNanos));
                    }
                    results.add(r);
                    progress.printf("[%2d/%d] %s%n", ++done, total, r.line());
                }
            }
        }
        Summary summary = new Summary(settings(jvmOptions), sizes, kinds, results);
        System.out.println(json ? summary.json() : summary.table());
        if (summary.errors() > 0) {
            spec.commandLine().getErr().println("bench: " + summary.errors() + " echo errors (mismatches or lost connections)");
            return ECHO_ERRORS;
        }
        return 0;
    }

    private List<ServerKind> validate() {
        for (int s : sizes) {
            require(s >= 2 && s <= MAX_SIZE, "--sizes must each be between 2 and " + MAX_SIZE + ": " + s);
        }
        require(rounds >= 1, "--rounds cannot be less than 1: " + rounds);
        require(connections >= 1, "--connections cannot be less than 1: " + connections);
        require(clientThreads >= 1 && clientThreads <= connections,
                "--client-threads must be between 1 and --connections (" + connections + "): " + clientThreads);
        require(ioThreads >= 1, "--io-threads cannot be less than 1: " + ioThreads);
        require(!warmup.isNegative(), "--warmup cannot be negative: " + warmup);
        require(!duration.isZero(), "--duration must be positive: " + DurationConverter.show(duration));
        List<ServerKind> kinds = new ArrayList<>();
        for (String s : servers) {
            try {
                kinds.add(ServerKind.of(s));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--servers: " + e.getMessage());
            }
        }
        require(kinds.stream().distinct().count() == kinds.size(), "--servers names a server twice: " + servers);
        return kinds;
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private Map<String, Object> settings(List<String> jvmOptions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connections", connections);
        m.put("clientThreads", clientThreads);
        m.put("ioThreads", ioThreads);
        m.put("warmup", DurationConverter.show(warmup));
        m.put("duration", DurationConverter.show(duration));
        m.put("rounds", rounds);
        m.put("serverJvmOptions", String.join(" ", jvmOptions));
        m.put("processors", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        return m;
    }

    /** The version from the jar's manifest. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = EchoBench.class.getPackage().getImplementationVersion();
            return new String[] {"bench " + (v == null ? "(development)" : v)};
        }
    }
}
