package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.jdbc.JdbcStore;
import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A seeded, time-bounded fuzzer against a real {@link ChatServer} on real sockets (embedded H2),
 * once with chatd's abuse limits and once without. Every case's bytes go out split at random points
 * on one of a few connections; then a ping and a barrier request check that each complete frame got
 * exactly one reply ({@link ReplyOracle}); a frame too long gets errno 11 after those replies, then
 * the close; a close for flooding must say so. Afterwards normal clients still work, no I/O loop
 * thread died, nothing was thrown uncaught, nothing was logged at WARNING or above, and the server
 * counts no connection closed for an error.
 *
 * <p>{@code -Dchat.fuzz.seed=N} (default fixed, printed) and {@code -Dchat.fuzz.seconds=S}
 * (default 3): {@code mvn -o -pl chatcore test -Dtest=FuzzTest -Dchat.fuzz.seconds=600}.
 */
class FuzzTest {
    private static final long SEED = Long.getLong("chat.fuzz.seed", 20240719L);
    private static final Duration DURATION = Duration.ofSeconds(Long.getLong("chat.fuzz.seconds", 3L));
    private static final int DRIVERS = 2;
    private static final int CONNECTIONS = 4;

    @TempDir
    Path dataDir;
    private JdbcStore store;
    private ChatServer server;
    private Set<Thread> loopThreads;
    private final List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
    private final List<LogRecord> warnings = Collections.synchronizedList(new ArrayList<>());
    private final Logger projectLogger = Logger.getLogger("dev.clusterchat");
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Thread.UncaughtExceptionHandler previousHandler;
    private Level previousLevel;
    private final Counts counts = new Counts();

    /** The server's abuse limits while it is fuzzed. */
    enum Limits {
        /**
         * chatd's, but for failed logins per address: every fuzz connection comes from 127.0.0.1, and
         * the clients after the fuzzing must still be able to log in. Bursts end in a close for flooding.
         */
        CHATD {
            @Override
            AbuseLimits of(AbuseLimits defaults) {
                return defaults.withLoginFailures(defaults.loginFailuresPerUser(), 0, defaults.loginFailureWindow());
            }
        },
        /** None: bursts of thousands of frames get every reply (or errno 14 once 256 wait). */
        NONE {
            @Override
            AbuseLimits of(AbuseLimits defaults) {
                return AbuseLimits.NONE;
            }
        };

        abstract AbuseLimits of(AbuseLimits defaults);
    }

    @BeforeEach
    void watch() {
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(new AssertionError("uncaught in " + t.getName(), e)));
        previousLevel = projectLogger.getLevel();
        projectLogger.setLevel(Level.WARNING);
        projectLogger.addHandler(recorder);
    }

    private void start(Limits limits) {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        store = JdbcStore.embedded(dataDir);
        ChatServerConfig config = ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000);
        server = new ChatServer(config.withAbuseLimits(limits.of(config.abuse())), store).start();
        loopThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && (t.getName().startsWith("chat-io-") || t.getName().equals("chat-acceptor")))
                .collect(Collectors.toSet());
        assertThat(loopThreads).as("two I/O loops and the acceptor").hasSize(3);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        if (store != null) {
            store.close();
        }
        projectLogger.removeHandler(recorder);
        projectLogger.setLevel(previousLevel);
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }

    @ParameterizedTest
    @EnumSource(Limits.class)
    void garbageNeverHurtsTheServerAndEveryFrameGetsItsReply(Limits limits) {
        start(limits);
        System.out.println("fuzz: seed " + SEED + " for " + DURATION.toSeconds() + " s, abuse limits " + limits
                + " (-Dchat.fuzz.seed, -Dchat.fuzz.seconds)");
        try (ChatClient setup = ChatClient.connect(server.port())) {
            for (int i = 1; i <= 4; i++) {
                assertThat(setup.register("user" + i, "pw" + i)).isEqualTo(i);
            }
            assertThat(setup.login(1, "pw1").get("errno").getAsInt()).isZero();
            assertThat(setup.request("{\"msgid\":8,\"groupname\":\"fuzzers\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong())
                    .isEqualTo(1);
        }
        assertTimeoutPreemptively(DURATION.plusMinutes(2), this::fuzz, () -> "fuzzing with seed " + SEED + " hung");
        System.out.println("fuzz: seed " + SEED + ", limits " + limits + ": " + counts);

        assertThat(counts.serverErrors).as("replies with errno 13 (server error)").isZero();
        assertThat(counts.checked).as("checked cases").isPositive();
        if (limits == Limits.NONE) {
            assertThat(counts.closedByLimits).as("connections closed for abuse with no limits").isZero();
        }
        normalClientsStillWork();
        assertThat(loopThreads).as("I/O loop threads alive").allMatch(Thread::isAlive);
        assertThat(uncaught).as("uncaught exceptions").isEmpty();
        assertThat(warnings).as("warnings logged").extracting(r -> r.getLoggerName() + ": " + r.getMessage()
                + (r.getThrown() == null ? "" : " " + r.getThrown())).isEmpty();
        awaitNothingOpen();
        for (String reason : List.of("error", "high_water", "idle")) {
            assertThat(metric("chat_connections_closed_total", "reason", reason)).as("connections closed for " + reason).isZero();
        }
        assertThat(metric("chat_connections_closed_total", "reason", "frame_error")).isEqualTo(counts.closedTooLong);
        assertThat(metric("chat_connections_closed_total", "reason", "server")).isGreaterThanOrEqualTo(counts.closedByLimits);
    }

    private double metric(String name, String... labels) {
        return server.metrics().value(name, labels).orElseThrow(() -> new AssertionError("no sample " + name));
    }

    /** {@link #DRIVERS} threads, each with its own connections and its own stream of cases (seed + thread). */
    private void fuzz() throws Exception {
        ExecutorService drivers = Executors.newFixedThreadPool(DRIVERS);
        try {
            List<Future<Counts>> results = new ArrayList<>();
            long deadline = System.nanoTime() + DURATION.toNanos();
            for (int t = 0; t < DRIVERS; t++) {
                long seed = SEED + t;
                results.add(drivers.submit(() -> drive(seed, deadline)));
            }
            for (Future<Counts> r : results) {
                try {
                    counts.add(r.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
                }
            }
        } finally {
            drivers.shutdownNow();
        }
    }

    private Counts drive(long seed, long deadline) {
        Counts mine = new Counts();
        Random random = new Random(seed);
        FuzzInput input = new FuzzInput(random);
        Deque<FuzzInput.Case> first = seed == SEED ? input.everyFieldEveryValue() : new ArrayDeque<>();
        FuzzConnection[] pool = new FuzzConnection[CONNECTIONS];
        try {
            for (int n = 1; !first.isEmpty() || System.nanoTime() < deadline; n++) { // the first ones whatever the time
                int slot = random.nextInt(CONNECTIONS);
                if (pool[slot] == null) {
                    pool[slot] = new FuzzConnection(ChatClient.connect(server.port()), server.config().net().maxFrameLength());
                }
                FuzzInput.Case k = first.isEmpty() ? input.next() : first.poll();
                mine.cases.merge(k.kind(), 1, Integer::sum);
                try {
                    if (!pool[slot].run(k, random, mine)) {
                        pool[slot] = null; // closed, by the server for a documented reason or by the case
                    }
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("case " + n + " (" + k.kind() + ") of seed " + seed + " on connection " + slot
                            + ": " + e.getMessage() + "\nbytes: " + preview(k.bytes()), e);
                }
            }
            return mine;
        } finally {
            for (FuzzConnection c : pool) {
                if (c != null) {
                    c.client().close();
                }
            }
        }
    }

    /** Fresh users register, log in, chat, and use a group; ping is answered. */
    private void normalClientsStillWork() {
        try (ChatClient a = ChatClient.connect(server.port()); ChatClient b = ChatClient.connect(server.port())) {
            long ida = a.register("after fuzz a", "pa");
            long idb = b.register("after fuzz b", "pb");
            assertThat(a.login(ida, "pa").get("errno").getAsInt()).isZero();
            assertThat(b.login(idb, "pb").get("errno").getAsInt()).isZero();
            assertThat(a.request("{\"msgid\":6,\"toid\":" + idb + ",\"msg\":\"still here\"}", MsgId.ONE_CHAT_ACK)
                    .get("errno").getAsInt()).isZero();
            assertThat(b.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("still here");
            JsonObject g = b.request("{\"msgid\":8,\"groupname\":\"after fuzz\"}", MsgId.CREATE_GROUP_ACK);
            assertThat(g.get("errno").getAsInt()).isZero();
            long group = g.get("groupid").getAsLong();
            assertThat(a.request("{\"msgid\":9,\"groupid\":" + group + "}", MsgId.ADD_GROUP_ACK).get("errno").getAsInt()).isZero();
            assertThat(b.request("{\"msgid\":10,\"groupid\":" + group + ",\"msg\":\"all\"}", MsgId.GROUP_CHAT_ACK)
                    .get("recipients").getAsInt()).isEqualTo(1);
            assertThat(a.next(o -> o.get("msgid").getAsInt() == MsgId.GROUP_CHAT).get("msg").getAsString()).isEqualTo("all");
            assertThat(a.request("{\"msgid\":18}", MsgId.PONG).get("errno").getAsInt()).isZero();
        }
    }

    /**
     * Waits until the server has no connection and no user logged in (closing and the logout that
     * follows are asynchronous; there is nothing to await but the counts).
     */
    private void awaitNothingOpen() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((server.connections() != 0 || server.onlineUsers() != 0) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
        }
        assertThat(server.connections()).as("open connections after every client closed").isZero();
        assertThat(server.onlineUsers()).as("users logged in after every client closed").isZero();
    }

    /** What the fuzzer did, for the count line. */
    static final class Counts {
        final TreeMap<String, Integer> cases = new TreeMap<>();
        long frames;
        long replies;
        long errors;
        long serverErrors;
        long checked;
        long closedTooLong;
        long closedByLimits;
        long closedByClient;

        void add(Counts o) {
            o.cases.forEach((k, v) -> cases.merge(k, v, Integer::sum));
            frames += o.frames;
            replies += o.replies;
            errors += o.errors;
            serverErrors += o.serverErrors;
            checked += o.checked;
            closedTooLong += o.closedTooLong;
            closedByLimits += o.closedByLimits;
            closedByClient += o.closedByClient;
        }

        @Override
        public String toString() {
            return "frames sent " + frames + ", replies " + replies + ", errors answered " + errors
                    + ", connections closed by the server " + (closedTooLong + closedByLimits) + " (frame too long "
                    + closedTooLong + ", abuse limits " + closedByLimits + "), by the client " + closedByClient
                    + ", cases " + cases;
        }
    }

    private static String preview(byte[] bytes) {
        String s = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1);
        return s.replace("\0", "\\0").replace("\r", "\\r").replace("\n", "\\n")
                + (bytes.length > 300 ? "... (" + bytes.length + " bytes)" : "");
    }
}
