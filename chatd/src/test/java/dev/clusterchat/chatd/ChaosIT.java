package dev.clusterchat.chatd;

import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.testsupport.Await;
import dev.clusterchat.core.testsupport.ChatClient;
import dev.clusterchat.core.testsupport.MariaDbDatabase;
import dev.clusterchat.core.testsupport.RedisPrefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Reliable delivery (docs/PROTOCOL.md) under chaos, in two setups ({@link Setup}): two chatd
 * processes on one MariaDB database and one Redis prefix, and one chatd on its embedded store; seven {@link ReliableChatter}s chatting one-to-one and in a shared group, while a
 * seeded random schedule drops their connections (sometimes right after a send) and kills a node
 * with kill -9, restarting it on the same port (and data). Then everything calms down, every chatter logs in
 * again and catches up, and the {@link ChaosLedger} checks that each acknowledged message reached
 * each recipient exactly once, in order. See docs/TESTING.md. Every wait is bounded (the quiet
 * phase 30 s, a node's start 30 s), so the run's length follows -Dchat.chaos.seconds without a
 * fixed JUnit timeout.
 */
class ChaosIT {
    private static final int USERS = 7;
    /** chatd's --node-ttl here: a killed node's users can log in elsewhere this soon. */
    private static final int NODE_TTL_SECONDS = 2;
    private static final Duration QUIET_BOUND = Duration.ofSeconds(30);

    private MariaDbDatabase db;
    private RedisPrefix redis;
    private ChatdProcess[] nodes = new ChatdProcess[0];

    /** Where the chatd processes keep their data. */
    enum Setup {
        /** Two nodes on MariaDB and Redis: a killed node's users move to the other one. */
        CLUSTER,
        /** One node on the embedded store (H2 and the message journal): its users wait for the restart. */
        EMBEDDED
    }
    private final List<ReliableChatter> chatters = new ArrayList<>();

    @BeforeEach
    void services() {
        redis = RedisPrefix.create();
        db = MariaDbDatabase.create();
    }

    @AfterEach
    void stop() throws Exception {
        for (ReliableChatter c : chatters) {
            c.abandon();
        }
        for (ChatdProcess n : nodes) {
            if (n != null) {
                n.close();
            }
        }
        if (db != null) {
            db.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Setup.class)
    void everyAcknowledgedMessageArrivesOnceAndInOrder(Setup setup) throws Exception {
        long seed = Long.getLong("chat.chaos.seed", new SecureRandom().nextLong());
        int seconds = Integer.getInteger("chat.chaos.seconds", 30);
        System.out.println("chaos: " + setup + " seed " + seed + " for " + seconds + " s (-Dchat.chaos.seed, -Dchat.chaos.seconds)");
        Random rng = new Random(seed);
        Path logs = Files.createDirectories(Path.of("target", "chaos-logs", "seed-" + seed + "-" + System.currentTimeMillis()));
        if (setup == Setup.CLUSTER) {
            nodes = new ChatdProcess[] {node(logs, "a"), node(logs, "b")};
        } else {
            nodes = new ChatdProcess[] {ChatdProcess.start(logs, "chatd-a", "--data-dir",
                    logs.resolve("data").toAbsolutePath().toString(), "--connection-log-level", "INFO",
                    "--login-failures-per-user", "0", "--login-failures-per-address", "0")};
        }
        int[] ports = {nodes[0].port(), nodes[nodes.length - 1].port()};

        List<Long> users = new ArrayList<>();
        long group = setUp(users);
        ChaosLedger ledger = new ChaosLedger(Map.of(group, Set.copyOf(users)));
        for (int i = 0; i < USERS; i++) {
            long me = users.get(i);
            List<Long> peers = users.stream().filter(u -> u != me).toList();
            chatters.add(new ReliableChatter("u" + i, me, group, peers, ports, i % 2, seed + i + 1, ledger).start());
        }

        chaos(rng, seconds, logs, ledger);
        List<String> quiet = quietDown(ledger, group);
        ChaosLedger.Verdict v = ledger.verdict();

        String summary = String.format("chaos setup=%s seed=%d seconds=%d kills=%d drops=%d sent=%d acked=%d delivered=%d duplicates=%d"
                        + " lost=%d redelivered=%d order_violations=%d mismatched=%d resends=%d dup_replies=%d server_errors=%d"
                        + " timeouts=%d own_in_sync=%d replies_out_of_order=%d max_login_wait_ms=%d",
                setup, seed, seconds, v.kills(), v.drops(), v.sent(), v.acked(), v.delivered(), v.duplicates(), v.lost(),
                v.redelivered(), v.orderViolations(), v.mismatched(), v.attempts() - v.sent(), v.dupReplies(), v.serverErrors(),
                v.timeouts(), v.ownInSync(), v.repliesOutOfOrder(), v.maxLoginWaitMillis());
        System.out.println(summary);
        List<String> details = new ArrayList<>(quiet);
        details.addAll(v.details());
        String report = summary + details.stream().map(d -> "\n  " + d).collect(Collectors.joining())
                + "\n  chatd logs: " + logs.toAbsolutePath() + serverErrors(logs)
                + "\n  again with: -Dchat.chaos.seed=" + seed + " -Dchat.chaos.seconds=" + seconds;
        if (!details.isEmpty() || !v.clean()) {
            fail(report);
        }
        assertThat(v.acked()).as("messages acknowledged: " + report).isPositive();
        assertThat(v.kills()).as("nodes killed: " + report).isPositive();
        assertThat(v.drops()).as("connections dropped: " + report).isPositive();
    }

    private ChatdProcess node(Path logs, String id) throws IOException, InterruptedException {
        return ChatdProcess.start(logs, "chatd-" + id, "--node-id", id, "--db", db.url(),
                "--db-user", MariaDbDatabase.USER, "--db-password", MariaDbDatabase.PASSWORD,
                "--redis", RedisPrefix.URI.toString(), "--redis-prefix", redis.prefix(),
                "--node-ttl", String.valueOf(NODE_TTL_SECONDS), "--connection-log-level", "INFO",
                "--login-failures-per-user", "0", "--login-failures-per-address", "0");
    }

    /** Registers the users (password "pw") into {@code users}, all in one group made before any chat; returns the group's id. */
    private long setUp(List<Long> users) {
        long group = 0;
        for (int i = 0; i < USERS; i++) {
            try (ChatClient c = ChatClient.connect(nodes[i % nodes.length].port())) {
                long id = c.register("user" + i, "pw");
                assertThat(c.login(id, "pw").get("errno").getAsInt()).isZero();
                if (i == 0) {
                    group = c.request("{\"msgid\":8,\"groupname\":\"all\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong();
                } else {
                    assertThat(c.request("{\"msgid\":9,\"groupid\":" + group + "}", MsgId.ADD_GROUP_ACK).get("errno").getAsInt()).isZero();
                }
                users.add(id);
            }
        }
        return group;
    }

    /** Drops a connection every 0.2 to 0.8 s and kills a node at a few random points, for {@code seconds}. */
    private void chaos(Random rng, int seconds, Path logs, ChaosLedger ledger) throws Exception {
        long start = System.nanoTime();
        List<Long> kills = killTimes(rng, seconds);
        long nextDrop = 0;
        int restarts = 0;
        for (long now = elapsedMillis(start); now < seconds * 1000L && !anyFailed(); now = elapsedMillis(start)) {
            if (!kills.isEmpty() && now >= kills.get(0)) {
                kills.remove(0);
                int n = rng.nextInt(nodes.length);
                String id = n == 0 ? "a" : "b";
                System.out.println("chaos: kill -9 chatd-" + id + " at " + now + " ms");
                nodes[n].kill9();
                ledger.killed();
                Thread.sleep(200 + rng.nextInt(1800)); // down for a while: its clients go elsewhere or wait
                nodes[n] = nodes[n].restart("chatd-" + id + "-" + ++restarts);
            } else if (now >= nextDrop) {
                chatters.get(rng.nextInt(chatters.size()))
                        .drop(rng.nextInt(3) == 0 ? ReliableChatter.Drop.AFTER_NEXT_SEND : ReliableChatter.Drop.NOW);
                nextDrop = now + 200 + rng.nextInt(600);
            } else {
                Thread.sleep(10); // pacing the schedule, not synchronization
            }
        }
    }

    /** At least two kills, about one every 10 s, each at a random point of its share of the run (not the first 3 s nor the last 5). */
    private static List<Long> killTimes(Random rng, int seconds) {
        int count = Math.max(2, seconds / 10);
        long window = Math.max(1000, (seconds - 8) * 1000L);
        long slot = window / count;
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            times.add(Math.min(3000 + i * slot + rng.nextLong(slot / 2 + 1), seconds * 1000L - 1000));
        }
        return times;
    }

    /**
     * The quiet phase: no more sends; every message in flight answered; every chatter logs in again
     * and syncs; everyone catches up; then each acknowledges everything and checks, logging in once
     * more, that the server kept its positions. Returns what did not happen in time.
     */
    private List<String> quietDown(ChaosLedger ledger, long group) {
        List<String> problems = new ArrayList<>();
        long deadline = System.nanoTime() + QUIET_BOUND.toNanos();
        chatters.forEach(ReliableChatter::stopSending);
        if (!within(deadline, () -> anyFailed() || ledger.unacknowledged() == 0 && chatters.stream().allMatch(ReliableChatter::settled))) {
            problems.add("quiet phase: " + ledger.unacknowledged() + " messages still unanswered after " + QUIET_BOUND.toSeconds() + " s");
        }
        int[] logins = chatters.stream().mapToInt(ReliableChatter::logins).toArray();
        chatters.forEach(ReliableChatter::reconnect);
        BooleanSupplier caughtUp = () -> {
            for (int i = 0; i < chatters.size(); i++) {
                ReliableChatter c = chatters.get(i);
                if (c.logins() <= logins[i] || !c.settled() || behind(c, ledger, group) != null) {
                    return false;
                }
            }
            return true;
        };
        if (!within(deadline, () -> anyFailed() || caughtUp.getAsBoolean())) {
            chatters.stream().map(c -> c.logins() == logins[chatters.indexOf(c)] ? c.name() + " did not log in again"
                            : !c.settled() ? c.name() + " not synced" : behind(c, ledger, group))
                    .filter(s -> s != null).map(s -> "quiet phase, after " + QUIET_BOUND.toSeconds() + " s: " + s)
                    .forEach(problems::add);
        }
        chatters.forEach(ReliableChatter::finish);
        if (!within(System.nanoTime() + Duration.ofSeconds(15).toNanos(), () -> chatters.stream().allMatch(ReliableChatter::done))) {
            chatters.stream().filter(c -> !c.done()).forEach(c -> problems.add(c.name() + " did not finish its final ack and login in 15 s"));
        }
        chatters.stream().filter(c -> c.failure() != null).forEach(c -> problems.add(c.name() + " failed: " + c.failure()));
        return problems;
    }

    /** What the chatter still lacks of the messages acknowledged to their senders, or null. */
    private static String behind(ReliableChatter c, ChaosLedger ledger, long group) {
        for (long timeline : List.of(0L, group)) {
            long needed = ledger.needed(c.userId(), timeline);
            if (c.position(timeline) < needed) {
                return c.name() + " (user " + c.userId() + ") has " + (timeline == 0 ? "inbox" : "group " + timeline)
                        + " up to " + c.position(timeline) + " of " + needed;
            }
        }
        return null;
    }

    private boolean anyFailed() {
        return chatters.stream().anyMatch(c -> c.failure() != null);
    }

    private static boolean within(long deadline, BooleanSupplier condition) {
        return Await.holdsWithin(condition, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private static long elapsedMillis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The first few SEVERE lines and exceptions the nodes logged, for the report. */
    private static String serverErrors(Path logs) throws IOException {
        try (Stream<Path> files = Files.list(logs)) {
            List<String> lines = new ArrayList<>();
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                Files.readAllLines(f).stream().filter(l -> l.contains("SEVERE") || l.contains("Exception"))
                        .limit(3).forEach(l -> lines.add(f.getFileName() + ": " + l));
            }
            return lines.stream().map(l -> "\n  log " + l).collect(Collectors.joining());
        }
    }
}
