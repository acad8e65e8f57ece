package dev.clusterchat.chatd;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** chatd in-process: options, one-line errors, and data that survives a restart. */
@Timeout(60)
class ChatdTest {
    @TempDir
    Path dir;

    /** A chatd running on a thread; {@link #stop()} returns its exit code. */
    private static final class Running {
        final Chatd chatd = new Chatd();
        final CommandLine cmd;
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();

        Running(String... args) throws Exception {
            this(Map.of(), args);
        }

        Running(Map<String, String> env, String... args) throws Exception {
            cmd = Chatd.commandLine(chatd, env);
            cmd.setErr(new PrintWriter(err, true));
            Thread t = new Thread(() -> exit.complete(cmd.execute(args)), "chatd-under-test");
            t.setDaemon(true);
            t.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (chatd.server() == null && !exit.isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(exit.isDone()).as("chatd exited early: " + err).isFalse();
            assertThat(chatd.server()).as("chatd did not start in 20 s").isNotNull();
        }

        int port() {
            return chatd.server().port();
        }

        int stop() throws Exception {
            chatd.requestStop();
            return exit.get(20, TimeUnit.SECONDS);
        }
    }

    private static int run(StringWriter err, String... args) {
        return run(Map.of(), err, args);
    }

    /** Runs chatd in this thread with this environment to its exit code; its stderr goes to {@code err}. */
    static int run(Map<String, String> env, StringWriter err, String... args) {
        CommandLine cmd = Chatd.commandLine(new Chatd(), env);
        cmd.setErr(new PrintWriter(err, true));
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        return cmd.execute(args);
    }

    @Test
    void dataSurvivesARestart() throws Exception {
        String[] args = {"--port", "0", "--host", "127.0.0.1", "--data-dir", dir.toString(), "--password-iterations", "1000"};
        Running first = new Running(args);
        long id;
        try (ChatClient c = ChatClient.connect(first.port())) {
            JsonObject r = c.request("{\"msgid\":4,\"name\":\"zhang san\",\"password\":\"123456\"}", MsgId.REG_ACK);
            assertThat(r.get("errno").getAsInt()).isZero();
            id = r.get("id").getAsLong();
            assertThat(c.request("{\"msgid\":1,\"id\":" + id + ",\"password\":\"123456\"}", MsgId.LOGIN_ACK)
                    .get("errno").getAsInt()).isZero();
            assertThat(first.stop()).isZero();
            assertThat(c.closedByServer()).as("stop closes connections").isTrue();
        }
        Running second = new Running(args);
        try (ChatClient c = ChatClient.connect(second.port())) {
            JsonObject r = c.request("{\"msgid\":1,\"id\":" + id + ",\"password\":\"123456\"}", MsgId.LOGIN_ACK);
            assertThat(r.get("errno").getAsInt()).as("the user logged in before the stop is offline now").isZero();
            assertThat(r.get("name").getAsString()).isEqualTo("zhang san");
        } finally {
            assertThat(second.stop()).isZero();
        }
    }

    @Test
    void adminPortServesHealthReadinessAndMetricsUntilStop() throws Exception {
        Running chatd = new Running("--port", "0", "--host", "127.0.0.1", "--data-dir", dir.toString(),
                "--password-iterations", "1000", "--admin-port", "0");
        int adminPort = chatd.chatd.admin().port();
        HttpClient http = HttpClient.newHttpClient();
        try {
            assertThat(get(http, adminPort, "/health").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(http, adminPort, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"store\":{\"status\":\"up\"", "\"cluster\":{\"status\":\"up\"");
            try (ChatClient c = ChatClient.connect(chatd.port())) {
                c.register("admin test", "pw");
                assertThat(get(http, adminPort, "/metrics").body())
                        .contains("\nchat_requests_total{msgid=\"4\"} 1\n", "\nchat_connections_open 1\n",
                                "chat_store_call_seconds_count{op=\"createUser\"} 1\n");
            }
        } finally {
            assertThat(chatd.stop()).isZero();
        }
        assertThatThrownBy(() -> get(http, adminPort, "/health")).as("stopped with chatd").isInstanceOf(ConnectException.class);
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void badOptionIsOneLineAndExit2() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "--port", "sixty")).isEqualTo(2);
        assertThat(err.toString()).startsWith("chatd: ").contains("--port").doesNotContain("Exception").doesNotContain("\tat ");
        StringWriter err2 = new StringWriter();
        assertThat(run(err2, "--io-threads", "0", "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err2.toString()).contains("ioThreads cannot be less than 1");
        StringWriter err3 = new StringWriter();
        assertThat(run(err3, "--log-level", "LOUD", "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err3.toString()).contains("--log-level");
    }

    @Test
    void takenPortIsOneLineAndExit1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            StringWriter err = new StringWriter();
            int code = run(err, "--port", String.valueOf(taken.getLocalPort()), "--data-dir", dir.toString());
            assertThat(code).isEqualTo(1);
            assertThat(err.toString().strip()).startsWith("chatd: cannot listen on").doesNotContain("\n").doesNotContain("\tat ");
        }
    }

    @Test
    void unreachableDatabaseIsOneLineAndExit1() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        StringWriter err = new StringWriter();
        int code = run(err, "--port", "0", "--db", "jdbc:mariadb://127.0.0.1:" + closedPort + "/chat", "--db-user", "root");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().strip()).startsWith("chatd: ").contains("127.0.0.1:" + closedPort).doesNotContain("\n");
    }

    @Test
    void initDbAppliesTheSchemaAndExits() {
        StringWriter out = new StringWriter();
        CommandLine cmd = Chatd.commandLine(new Chatd(), Map.of());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cmd.execute("--init-db", "--data-dir", dir.toString())).isZero();
        assertThat(cmd.execute("--init-db", "--data-dir", dir.toString())).as("idempotent").isZero();
        assertThat(out.toString()).contains("schema applied to the embedded store (H2 and a message journal) in");
        assertThat(dir.resolve("chat.mv.db")).exists();
    }

    @Test
    void limitOptionsReachTheServer() throws Exception {
        Running r = new Running("--port", "0", "--host", "127.0.0.1", "--data-dir", dir.toString(),
                "--password-iterations", "1000", "--rate-limit", "7", "--login-timeout", "3", "--frame-timeout", "4",
                "--keepalive", "0", "--high-water", "100000", "--login-failures-per-user", "2",
                "--login-failures-per-address", "0", "--login-failure-window", "9", "--max-connections", "11");
        try {
            var config = r.chatd.server().config();
            assertThat(config.abuse().requestsPerSecond()).isEqualTo(7);
            assertThat(config.abuse().requestBurst()).as("twice the rate by default").isEqualTo(14);
            assertThat(config.abuse().loginTimeout()).hasSeconds(3);
            assertThat(config.abuse().loginFailuresPerUser()).isEqualTo(2);
            assertThat(config.abuse().loginFailuresPerAddress()).isZero();
            assertThat(config.abuse().loginFailureWindow()).hasSeconds(9);
            assertThat(config.net().frameTimeout()).hasSeconds(4);
            assertThat(config.net().keepAlive()).isZero();
            assertThat(config.net().highWaterMark()).isEqualTo(100_000);
            assertThat(config.net().maxConnections()).isEqualTo(11);
        } finally {
            assertThat(r.stop()).isZero();
        }
        StringWriter err = new StringWriter();
        assertThat(run(err, "--rate-limit", "-1", "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("chatd: ").contains("cannot be negative").doesNotContain("\tat ");
    }

    @Test
    void helpAndVersion() {
        StringWriter out = new StringWriter();
        CommandLine cmd = Chatd.commandLine(new Chatd(), Map.of());
        cmd.setOut(new PrintWriter(out, true));
        assertThat(cmd.execute("--help")).isZero();
        assertThat(out.toString()).contains("--port", "--db", "--data-dir", "--io-threads", "--host", "6000", "chatd-data",
                "--admin-port", "--admin-host", "--connection-log-level", "--config", "CHATD_<OPTION>", "/health/ready");
        StringWriter v = new StringWriter();
        cmd.setOut(new PrintWriter(v, true));
        assertThat(cmd.execute("--version")).isZero();
        assertThat(v.toString()).startsWith("chatd ");
    }
}
