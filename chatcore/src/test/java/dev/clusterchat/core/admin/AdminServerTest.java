package dev.clusterchat.core.admin;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.service.FlakyStore;
import dev.clusterchat.core.store.memory.MemoryStore;
import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin endpoint over real HTTP, in front of a real chat server. */
@Timeout(30)
class AdminServerTest {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\"\\\\n])*\"";
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{" + LABEL + "(," + LABEL + ")*})? (-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|\\+Inf|-Inf)");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) (" + NAME + ") (.*)");

    private final FlakyStore store = new FlakyStore(new MemoryStore());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ChatServer chat;
    private AdminServer admin;

    @BeforeEach
    void start() {
        chat = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000), store).start();
        admin = new AdminServer(new InetSocketAddress("127.0.0.1", 0), chat).start();
    }

    @AfterEach
    void stop() {
        admin.stop();
        chat.stop(Duration.ofSeconds(5));
        store.close();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path);
    }

    private static JsonObject json(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Test
    void livenessIsUp() throws Exception {
        HttpResponse<String> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("status").getAsString()).isEqualTo("up");
    }

    @Test
    void readinessTurns503WhileTheStoreFailsAnd200Again() throws Exception {
        HttpResponse<String> r = get("/health/ready");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = json(r);
        assertThat(body.get("status").getAsString()).isEqualTo("ready");
        assertThat(body.getAsJsonObject("components").getAsJsonObject("store").get("status").getAsString()).isEqualTo("up");
        assertThat(body.getAsJsonObject("components").getAsJsonObject("cluster").get("status").getAsString()).isEqualTo("up");

        store.failReads = true;
        r = get("/health/ready");
        assertThat(r.statusCode()).isEqualTo(503);
        body = json(r);
        assertThat(body.get("status").getAsString()).isEqualTo("not ready");
        JsonObject storeState = body.getAsJsonObject("components").getAsJsonObject("store");
        assertThat(storeState.get("status").getAsString()).isEqualTo("down");
        assertThat(storeState.get("detail").getAsString()).contains("database unreachable");
        assertThat(body.getAsJsonObject("components").getAsJsonObject("cluster").get("status").getAsString()).isEqualTo("up");
        assertThat(get("/health").statusCode()).as("liveness does not depend on the store").isEqualTo(200);

        store.failReads = false;
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAreValidPrometheusText() throws Exception {
        try (ChatClient c = ChatClient.connect(chat.port())) {
            long id = c.register("alice", "pw");
            c.login(id, "pw");
            HttpResponse<String> r = get("/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            Map<String, String> types = checkExposition(r.body());
            assertThat(types).containsEntry("chat_logins_total", "counter")
                    .containsEntry("chat_connections_open", "gauge")
                    .containsEntry("chat_store_call_seconds", "histogram")
                    .containsEntry("chat_event_loop_lag_seconds", "gauge");
            assertThat(r.body()).contains("\nchat_logins_total{result=\"ok\"} 1\n", "\nchat_connections_open 1\n",
                    "\nchat_users_online 1\n", "\nchat_error_replies_total{errno=\"13\",kind=\"server_error\"} 0\n");
        }
    }

    /**
     * Checks every line: a HELP or TYPE comment, or {@code name{labels} value}; every sample's
     * family has one HELP and one TYPE before it, and counters end in _total. Returns name → type.
     */
    private static Map<String, String> checkExposition(String text) {
        assertThat(text).endsWith("\n");
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        for (String line : text.split("\n")) {
            Matcher comment = COMMENT.matcher(line);
            if (comment.matches()) {
                String family = comment.group(2);
                if (comment.group(1).equals("HELP")) {
                    assertThat(helped.add(family)).as("one HELP for " + family).isTrue();
                } else {
                    assertThat(helped).as("HELP before TYPE for " + family).contains(family);
                    assertThat(comment.group(3)).isIn("counter", "gauge", "histogram");
                    assertThat(types.put(family, comment.group(3))).as("one TYPE for " + family).isNull();
                    if (comment.group(3).equals("counter")) {
                        assertThat(family).endsWith("_total");
                    }
                }
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("a sample line: " + line).isTrue();
            String name = sample.group(1);
            String family = types.containsKey(name) ? name : name.replaceFirst("_(bucket|sum|count)$", "");
            assertThat(types).as("TYPE before the sample " + line).containsKey(family);
            if (!family.equals(name)) {
                assertThat(types.get(family)).isEqualTo("histogram");
            }
        }
        assertThat(types.keySet()).isEqualTo(helped);
        return types;
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        HttpResponse<String> r = get("/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").getAsString()).contains("/nope");
        assertThat(get("/health/").statusCode()).isEqualTo(404);
        for (String method : new String[]{"POST", "PUT", "DELETE"}) {
            r = send(method, "/metrics");
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET");
        }
        assertThat(send("POST", "/health/ready").statusCode()).isEqualTo(405);
    }

    @Test
    void stopReleasesThePort() throws Exception {
        int port = admin.port();
        admin.stop();
        admin.stop(); // idempotent
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    }

    @Test
    void aTakenPortFailsAtStartNamingIt() {
        AdminServer second = new AdminServer(new InetSocketAddress("127.0.0.1", admin.port()), chat);
        assertThatThrownBy(second::start).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + admin.port() + " for the admin endpoint");
    }
}
