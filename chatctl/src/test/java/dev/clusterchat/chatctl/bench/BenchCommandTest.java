package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.store.memory.MemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** bench login, chat and fanout, run briefly against an in-process chatd. */
@Timeout(120)
class BenchCommandTest {
    private static MemoryStore store;
    private static ChatServer server;

    @BeforeAll
    static void start() {
        store = new MemoryStore();
        server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000)
                .withAbuseLimits(dev.clusterchat.core.service.AbuseLimits.NONE), store).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(5));
        store.close();
    }

    private static BenchRun run(String... args) {
        return BenchRun.of(args);
    }

    private static String port() {
        return Integer.toString(server.port());
    }

    @Test
    void loginRegistersAndLogsEveryUserIn() {
        BenchRun r = run("--port", port(), "bench", "login", "--users", "20", "--concurrency", "4", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject j = r.json();
        assertThat(j.get("scenario").getAsString()).isEqualTo("login");
        assertThat(j.get("registrations").getAsLong()).isEqualTo(20);
        assertThat(j.get("logins").getAsLong()).isEqualTo(20);
        assertThat(j.get("errors").getAsLong()).isZero();
        assertThat(j.get("logins_per_second").getAsDouble()).isPositive();
    }

    @ParameterizedTest(name = "write each: {0}")
    @ValueSource(booleans = {false, true})
    void chatClosedLoopLosesAndDuplicatesNothing(boolean writeEach) {
        BenchRun r = run("bench", "chat", "--port", port(), "--pairs", "3", "--duration", "1", "--warmup", "0.2", "--json",
                writeEach ? "--write-each" : "--window=16");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        JsonObject j = r.json();
        assertThat(j.get("write_each").getAsBoolean()).isEqualTo(writeEach);
        assertThat(j.get("lost").getAsLong()).isZero();
        assertThat(j.get("duplicated").getAsLong()).isZero();
        assertThat(j.get("errors").getAsLong()).isZero();
        assertThat(j.get("unacked").getAsLong()).isZero();
        assertThat(j.get("delivered").getAsLong()).isEqualTo(j.get("sent").getAsLong()).isPositive();
        assertThat(j.get("latency_count").getAsLong()).isPositive();
        assertThat(j.get("latency_p50_us").getAsDouble()).isPositive();
    }

    @Test
    void chatReceiversConnectToTheReceiverPort() {
        BenchRun r = run("--port", "1", "bench", "chat", "--receiver-port", port(), "--pairs", "1", "--duration", "0.3",
                "--warmup", "0", "--json");
        assertThat(r.exit()).isEqualTo(3); // senders go to --port: nothing listens on port 1
        assertThat(r.err()).startsWith("chatctl: cannot connect to 127.0.0.1:1");
        BenchRun ok = run("--port", port(), "bench", "chat", "--receiver-port", port(), "--pairs", "2", "--duration",
                "0.3", "--warmup", "0", "--json");
        assertThat(ok.exit()).as(ok.err() + ok.out()).isZero();
        assertThat(ok.json().get("receiver_port").getAsInt()).isEqualTo(server.port());
        assertThat(ok.json().get("lost").getAsLong()).isZero();
    }

    @Test
    void chatOpenLoopSendsAboutTheRate() {
        BenchRun r = run("--port", port(), "bench", "chat", "--pairs", "2", "--rate", "200", "--duration", "1",
                "--warmup", "0");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("open loop").contains("lost 0  duplicated 0");
    }

    @Test
    void chatWindowOverTheServerLimitCountsBusyErrors() {
        BenchRun r = run("--port", port(), "bench", "chat", "--pairs", "1", "--window", "400", "--duration", "0.5",
                "--warmup", "0", "--json");
        JsonObject j = r.json();
        assertThat(j.get("errors").getAsLong()).isPositive();
        assertThat(j.get("lost").getAsLong()).isZero();
        assertThat(j.get("duplicated").getAsLong()).isZero();
    }

    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {1, 8})
    void fanoutDeliversEveryMessageToEveryMember(int window) {
        BenchRun r = run("--port", port(), "bench", "fanout", "--members", "10", "--messages", "20", "--json",
                "--window", Integer.toString(window));
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        JsonObject j = r.json();
        assertThat(j.get("completed").getAsLong()).isEqualTo(20);
        assertThat(j.get("window").getAsInt()).isEqualTo(window);
        assertThat(j.get("deliveries").getAsLong()).isEqualTo(200);
        assertThat(j.get("lost").getAsLong()).isZero();
        assertThat(j.get("duplicated").getAsLong()).isZero();
        assertThat(j.get("errors").getAsLong()).isZero();
        assertThat(j.get("latency_max_us").getAsDouble()).isPositive();
    }

    @Test
    void badOptionIsUsageError() {
        BenchRun r = run("bench", "chat", "--pairs", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("chatctl: --pairs must be at least 1: 0");
    }

    @Test
    void unreachableServerExits3() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        BenchRun r = run("--port", Integer.toString(free), "bench", "login", "--users", "1");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("chatctl: cannot connect to 127.0.0.1:" + free);
        assertThat(r.err().lines().count()).isEqualTo(1);
    }
}
