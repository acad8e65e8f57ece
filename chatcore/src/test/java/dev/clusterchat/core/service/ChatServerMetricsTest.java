package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.metrics.MetricsSnapshot;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.memory.MemoryStore;
import dev.clusterchat.core.testsupport.Await;
import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** What a running server counts, reports as health and logs per connection, driven over real TCP. */
@Timeout(30)
class ChatServerMetricsTest {
    private final FlakyStore store = new FlakyStore(new MemoryStore());
    private final List<ChatClient> clients = new ArrayList<>();
    private ChatServer server;

    private ChatServer start(Level connectionLogLevel) {
        server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000).withConnectionLogLevel(connectionLogLevel), store).start();
        return server;
    }

    @AfterEach
    void stop() {
        clients.forEach(ChatClient::close);
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        store.close();
    }

    private ChatClient client() {
        ChatClient c = ChatClient.connect(server.port());
        clients.add(c);
        return c;
    }

    private double metric(String name, String... labels) {
        return server.metrics().value(name, labels).orElseThrow(() -> new AssertionError("no sample " + name));
    }

    @Test
    void countersFollowLoginsMessagesErrorsAndCloses() {
        start(Level.FINE);
        ChatClient a = client();
        long alice = a.register("alice", "pw");
        long bob = a.register("bob", "pw");
        assertThat(a.login(alice, "wrong").get("errno").getAsInt()).isEqualTo(Errno.AUTH_FAILED.code());
        assertThat(a.login(alice, "pw").get("errno").getAsInt()).isZero();
        assertThat(metric("chat_logins_total", "result", "ok")).isEqualTo(1);
        assertThat(metric("chat_logins_total", "result", "failed")).isEqualTo(1);
        assertThat(metric("chat_error_replies_total", "errno", "1", "kind", "auth_failed")).isEqualTo(1);
        assertThat(metric("chat_users_online")).isEqualTo(1);

        // bob is offline: stored; then online: live
        a.request("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"for later\"}", MsgId.ONE_CHAT_ACK);
        // counted once the offline recipient is looked up, just after the sender's ack
        dev.clusterchat.core.testsupport.Await.until(() -> metric("chat_deliveries_total", "path", "stored") == 1,
                java.time.Duration.ofSeconds(5), "the stored delivery to be counted");
        ChatClient b = client();
        b.login(bob, "pw");
        a.request("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"now\"}", MsgId.ONE_CHAT_ACK);
        assertThat(b.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("now");
        // counted by the commit thread just after it hands the message to bob's loop
        dev.clusterchat.core.testsupport.Await.until(() -> metric("chat_deliveries_total", "path", "live") == 1,
                java.time.Duration.ofSeconds(5), "the live delivery to be counted");
        assertThat(metric("chat_deliveries_total", "path", "remote")).isZero();

        a.request("{\"msgid\":99}", MsgId.ERROR);
        a.send("not json");
        assertThat(a.next().get("errno").getAsInt()).isEqualTo(Errno.BAD_JSON.code());
        assertThat(metric("chat_error_replies_total", "errno", "10", "kind", "unknown_msgid")).isEqualTo(1);
        assertThat(metric("chat_error_replies_total", "errno", "9", "kind", "bad_json")).isEqualTo(1);
        assertThat(metric("chat_requests_total", "msgid", "4")).isEqualTo(2);
        assertThat(metric("chat_requests_total", "msgid", "1")).isEqualTo(3);
        assertThat(metric("chat_requests_total", "msgid", "6")).isEqualTo(2);
        assertThat(metric("chat_requests_total", "msgid", "other")).isEqualTo(1);

        assertThat(metric("chat_connections_accepted_total")).isEqualTo(2);
        assertThat(metric("chat_connections_open")).isEqualTo(2);
        b.close();
        // counted after the client's close returned: wait for it
        Await.until(() -> metric("chat_connections_closed_total", "reason", "peer") == 1, Duration.ofSeconds(10),
                "bob's close to count");
        Await.until(() -> metric("chat_users_online") == 1, Duration.ofSeconds(10), "bob to go offline");
        assertThat(metric("chat_connections_open")).isEqualTo(1);
        assertThat(metric("chat_connections_closed_total", "reason", "idle")).isZero();
    }

    @Test
    void storeCallsAreTimedAndTheirFailuresCounted() {
        start(Level.FINE);
        ChatClient a = client();
        long alice = a.register("alice", "pw");
        a.login(alice, "pw");
        assertThat(metric("chat_store_call_seconds_count", "op", "findUser")).isEqualTo(1);
        assertThat(metric("chat_store_call_seconds_count", "op", "createUser")).isEqualTo(1);
        assertThat(metric("chat_store_call_seconds_bucket", "op", "findUser", "le", "+Inf")).isEqualTo(1);
        assertThat(metric("chat_store_call_seconds_sum", "op", "findUser")).isPositive();
        store.failWrites = true;
        JsonObject r = a.request("{\"msgid\":8,\"groupname\":\"g\",\"groupdesc\":\"d\"}", MsgId.CREATE_GROUP_ACK);
        assertThat(r.get("errno").getAsInt()).isEqualTo(Errno.SERVER_ERROR.code());
        assertThat(metric("chat_store_failures_total", "op", "createGroup")).isEqualTo(1);
        assertThat(metric("chat_store_failures_total", "op", "findUser")).isZero();
        assertThat(metric("chat_error_replies_total", "errno", "13")).isEqualTo(1);
    }

    @Test
    void loopsCommitQueueAndMemoryAreReported() {
        start(Level.FINE);
        MetricsSnapshot m = server.metrics();
        assertThat(m.family("chat_event_loop_lag_seconds").orElseThrow().samples())
                .extracting(s -> s.labels().get("loop")).containsExactly("chat-acceptor", "chat-io-0", "chat-io-1");
        assertThat(m.value("chat_event_loop_lag_max_seconds", "loop", "chat-io-1")).isPresent();
        assertThat(m.value("chat_commit_queue_messages").orElseThrow()).isZero();
        assertThat(m.value("jvm_memory_heap_used_bytes").orElseThrow()).isPositive();
        assertThat(m.value("jvm_memory_heap_committed_bytes").orElseThrow())
                .isGreaterThanOrEqualTo(m.value("jvm_memory_heap_used_bytes").orElseThrow());
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertThat(m.value("process_resident_memory_bytes").orElseThrow()).isPositive();
        }
    }

    @Test
    void healthFollowsTheStore() {
        start(Level.FINE);
        Health h = server.health();
        assertThat(h.ready()).isTrue();
        assertThat(h.components()).extracting(Health.Component::name).containsExactly("store", "cluster");
        store.failReads = true;
        h = server.health();
        assertThat(h.ready()).isFalse();
        assertThat(h.components().get(0).up()).isFalse();
        assertThat(h.components().get(0).detail()).contains("database unreachable");
        assertThat(h.components().get(1).up()).isTrue();
        store.failReads = false;
        assertThat(server.health().ready()).isTrue();
    }

    @Test
    void everyConnectionEventIsOneLineAtTheConfiguredLevel() throws Exception {
        Logger log = Logger.getLogger("dev.clusterchat.core.connections");
        BlockingQueue<LogRecord> records = new LinkedBlockingQueue<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = log.getLevel();
        log.setLevel(Level.ALL);
        log.addHandler(capture);
        try {
            start(Level.INFO);
            ChatClient a = client();
            long id = a.register("alice", "pw");
            a.login(id, "pw");
            a.request("{\"msgid\":3}", MsgId.LOGOUT_ACK);
            a.close();
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                LogRecord r = records.poll(10, TimeUnit.SECONDS);
                assertThat(r).as("log line " + (i + 1) + " of 4, after " + lines).isNotNull();
                assertThat(r.getLevel()).isEqualTo(Level.INFO);
                lines.add(r.getMessage());
            }
            String port = String.valueOf(a.socket().getLocalPort());
            assertThat(lines.get(0)).matches("connection \\d+ opened from 127\\.0\\.0\\.1:" + port);
            assertThat(lines.get(1)).matches("connection \\d+ logged in as user " + id);
            assertThat(lines.get(2)).matches("connection \\d+ logged out user " + id);
            assertThat(lines.get(3)).matches("connection \\d+ from 127\\.0\\.0\\.1:" + port + " closed \\(peer\\)");
        } finally {
            log.removeHandler(capture);
            log.setLevel(before);
        }
    }
}
