package dev.clusterchat.core.service;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.memory.MemoryStore;
import dev.clusterchat.core.testsupport.Await;
import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The limits that keep one client from hurting the others: rate, login guessing, timeouts, size. */
@Timeout(60)
class ChatServerGuardsTest {
    private final ChatStore store = new MemoryStore();
    private ChatServer server;
    private final List<ChatClient> clients = new ArrayList<>();

    private void start(AbuseLimits abuse, UnaryOperator<ServerConfig> net) {
        start(abuse, net, List.of());
    }

    private void start(AbuseLimits abuse, UnaryOperator<ServerConfig> net, List<java.net.InetAddress> proxies) {
        ChatServerConfig config = ChatServerConfig.defaults(net.apply(ServerConfig.defaults(0).withIoThreads(2)))
                .withPasswordIterations(1000).withAbuseLimits(abuse).withTrustedProxies(proxies);
        server = new ChatServer(config, store).start();
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

    private static String ping(int seq) {
        return "{\"msgid\":" + MsgId.PING + ",\"seq\":" + seq + "}";
    }

    private static int errno(JsonObject o) {
        return o.get("errno").getAsInt();
    }

    @Test
    void requestsAboveTheRateAreRefusedAndAFloodThatGoesOnIsDisconnected() {
        start(AbuseLimits.NONE.withRequestRate(1, 5).withRateStrikes(10), n -> n);
        ChatClient c = client();
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            burst.append(ping(i)).append('\n');
        }
        c.sendRaw(burst.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (int i = 0; i < 5; i++) {
            JsonObject r = c.next();
            assertThat(errno(r)).as(r.toString()).isZero();
            assertThat(r.get("seq").getAsInt()).isEqualTo(i);
        }
        for (int i = 5; i < 15; i++) {
            JsonObject r = c.next();
            assertThat(errno(r)).as(r.toString()).isEqualTo(Errno.RATE_LIMITED.code());
            assertThat(r.get("seq").getAsInt()).isEqualTo(i);
            assertThat(r.get("errmsg").getAsString()).contains("slow down");
        }
        JsonObject last = c.next();
        assertThat(errno(last)).isEqualTo(Errno.RATE_LIMITED.code());
        assertThat(last.get("errmsg").getAsString()).contains("closing the connection");
        assertThat(c.closedByServer()).isTrue();
        ChatClient polite = client();
        assertThat(errno(polite.request(ping(1), MsgId.PONG))).as("others are served").isZero();
    }

    @Test
    void theRateRefillsOverTime() throws Exception {
        start(AbuseLimits.NONE.withRequestRate(2, 2).withRateStrikes(100), n -> n);
        ChatClient c = client();
        c.send(ping(1)).send(ping(2)).send(ping(3));
        assertThat(errno(c.next())).isZero();
        assertThat(errno(c.next())).isZero();
        assertThat(errno(c.next())).isEqualTo(Errno.RATE_LIMITED.code());
        Thread.sleep(1_100); // two tokens' worth at two a second
        assertThat(errno(c.request(ping(4), MsgId.PONG))).isZero();
        assertThat(errno(c.request(ping(5), MsgId.PONG))).isZero();
    }

    @Test
    void guessingOnePasswordIsThrottledEvenForTheRightPassword() throws Exception {
        start(AbuseLimits.NONE.withLoginFailures(3, 0, Duration.ofSeconds(3)), n -> n);
        ChatClient c = client();
        long victim = c.register("victim", "right");
        long other = c.register("other", "pw");
        for (int i = 0; i < 3; i++) {
            assertThat(errno(c.login(victim, "guess" + i))).isEqualTo(Errno.AUTH_FAILED.code());
        }
        JsonObject refused = c.login(victim, "right");
        assertThat(errno(refused)).as(refused.toString()).isEqualTo(Errno.LOGIN_THROTTLED.code());
        assertThat(refused.get("errmsg").getAsString()).containsPattern("try again in [123] s");
        assertThat(errno(client().login(other, "pw"))).as("another user from the same address").isZero();
        Thread.sleep(3_100); // the window ends
        assertThat(errno(c.login(victim, "right"))).isZero();
    }

    @Test
    void guessingAcrossManyIdsIsThrottledPerAddress() {
        start(AbuseLimits.NONE.withLoginFailures(0, 4, Duration.ofMinutes(1)), n -> n);
        ChatClient c = client();
        long real = c.register("real", "pw");
        for (int i = 0; i < 4; i++) {
            assertThat(errno(c.login(900_000 + i, "x"))).isEqualTo(Errno.AUTH_FAILED.code());
        }
        assertThat(errno(client().login(real, "pw"))).isEqualTo(Errno.LOGIN_THROTTLED.code());
    }

    @Test
    void aTrustedProxyNamesTheClientWhoseFailuresCount() throws Exception {
        start(AbuseLimits.NONE.withLoginFailures(0, 2, Duration.ofMinutes(1)), n -> n,
                List.of(java.net.InetAddress.getByName("127.0.0.1")));
        long real = client().register("real", "pw");
        ChatClient guesser = client().sendRaw(proxyLine("203.0.113.9"));
        for (int i = 0; i < 2; i++) {
            assertThat(errno(guesser.login(900_000 + i, "x"))).isEqualTo(Errno.AUTH_FAILED.code());
        }
        assertThat(errno(guesser.login(real, "pw"))).isEqualTo(Errno.LOGIN_THROTTLED.code());
        ChatClient sameHost = client().sendRaw(proxyLine("203.0.113.9"));
        assertThat(errno(sameHost.login(real, "pw"))).as("the same client address").isEqualTo(Errno.LOGIN_THROTTLED.code());
        ChatClient otherHost = client().sendRaw(proxyLine("203.0.113.10"));
        assertThat(errno(otherHost.login(real, "pw"))).as("another client behind the same proxy").isZero();

        ChatClient broken = client().sendRaw("PROXY TCP4 nonsense\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonObject r = broken.next();
        assertThat(errno(r)).isEqualTo(Errno.INVALID_REQUEST.code());
        assertThat(r.get("errmsg").getAsString()).startsWith("malformed PROXY header");
        assertThat(broken.closedByServer()).isTrue();
    }

    @Test
    void aProxyHeaderFromAnUntrustedPeerIsAnOrdinaryBadFrame() {
        start(AbuseLimits.NONE, n -> n);
        ChatClient c = client().sendRaw(proxyLine("203.0.113.9"));
        assertThat(errno(c.next())).isEqualTo(Errno.BAD_JSON.code());
        assertThat(errno(c.request(ping(1), MsgId.PONG))).isZero();
    }

    private static byte[] proxyLine(String client) {
        return ("PROXY TCP4 " + client + " 127.0.0.1 40000 6000\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aConnectionThatNeverLogsInIsClosedAfterTheLoginTimeout() {
        start(AbuseLimits.NONE.withLoginTimeout(Duration.ofSeconds(2)), n -> n);
        ChatClient idle = client();
        ChatClient user = client();
        long id = user.register("u", "pw");
        assertThat(errno(user.login(id, "pw"))).isZero();
        JsonObject r = idle.next();
        assertThat(errno(r)).as(r.toString()).isEqualTo(Errno.LOGIN_TIMEOUT.code());
        assertThat(idle.closedByServer()).isTrue();
        assertThat(user.quietFor(500)).isTrue();
        assertThat(errno(user.request(ping(1), MsgId.PONG))).as("the logged-in one stays").isZero();
    }

    @Test
    void aConnectionOverTheLimitGetsServerFull() {
        start(AbuseLimits.NONE, n -> n.withMaxConnections(1));
        ChatClient first = client();
        assertThat(errno(first.request(ping(1), MsgId.PONG))).isZero();
        ChatClient second = client();
        JsonObject r = second.next();
        assertThat(errno(r)).as(r.toString()).isEqualTo(Errno.SERVER_FULL.code());
        assertThat(second.closedByServer()).isTrue();
    }

    /**
     * A chat request is answered only after its commit, so it keeps its place among the connection's
     * replies meanwhile: past maxQueuedPerConnection unanswered requests, the next ones get BUSY, still
     * in request order, however fast the handlers hand their messages to the commit.
     */
    @Test
    void unansweredRequestsAreCappedPerConnectionWhileCommitsAreSlow() {
        FlakyStore slowCommits = new FlakyStore(store);
        java.util.concurrent.CountDownLatch commit = new java.util.concurrent.CountDownLatch(1);
        slowCommits.holdAppends = commit;
        try {
            server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                    .withPasswordIterations(1000).withAbuseLimits(AbuseLimits.NONE).withMaxQueuedPerConnection(4),
                    slowCommits).start();
            ChatClient c = client();
            long a = c.register("a", "pw");
            long b = c.register("b", "pw");
            assertThat(errno(c.login(a, "pw"))).isZero();
            c.send(chat(b, 0));
            Await.until(() -> slowCommits.heldAppends.get() == 1, Duration.ofSeconds(10), "the first commit");
            for (int i = 1; i < 4; i++) {
                c.send(chat(b, i));
            }
            Await.until(() -> server.commitQueue() == 3, Duration.ofSeconds(10), "the next three to be handled");
            for (int i = 4; i < 10; i++) { // the serial queue is empty: only the unanswered four hold them back
                c.send(chat(b, i));
            }
            // a ping is answered on the loop at once: every chat request before it has been dispatched
            assertThat(errno(c.request(ping(99), MsgId.PONG))).isZero();
            commit.countDown();
            for (int i = 0; i < 10; i++) {
                JsonObject r = c.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT_ACK);
                assertThat(r.get("seq").getAsInt()).as("request order").isEqualTo(i);
                assertThat(errno(r)).as(r.toString()).isEqualTo(i < 4 ? 0 : Errno.BUSY.code());
            }
            JsonObject later = c.request(ChatClient.chat(b, "later").toString(), MsgId.ONE_CHAT_ACK);
            assertThat(errno(later)).as("served again once answered: " + later).isZero();
        } finally {
            commit.countDown();
        }
    }

    /**
     * A recipient that stops reading is disconnected at the high-water mark; what it did not get is
     * stored, and it gets it at its next logins: every message exactly once.
     */
    @Test
    void aRecipientThatStopsReadingIsPacedNotDroppedAndLosesNothing() {
        start(AbuseLimits.NONE, n -> n.withMaxFrameLength(16 * 1024).withHighWaterMark(64 * 1024));
        ChatClient sender = client();
        long a = sender.register("a", "pw");
        long b = sender.register("b", "pw");
        assertThat(errno(sender.login(a, "pw"))).isZero();
        ChatClient slow = ChatClient.connectWithReceiveBuffer(server.port(), 4096);
        clients.add(slow);
        assertThat(errno(slow.login(b, "pw"))).isZero();

        String pad = "x".repeat(1000);
        int sent = 1000; // about 1 MB for a reader that takes nothing: 16 times the high-water mark
        for (int i = 0; i < sent; i++) {
            chat(sender, b, i + ":" + pad);
        }
        assertThat(server.onlineUsers()).as("the slow reader is paced from the store, not dropped").isEqualTo(2);
        Map<Integer, Integer> got = new HashMap<>();
        List<Integer> order = new ArrayList<>();
        while (got.size() < sent) {
            JsonObject m = slow.next();
            count(got, m);
            if (m.get("msgid").getAsInt() == MsgId.ONE_CHAT) {
                order.add(m.get("useq").getAsInt());
            }
        }
        assertThat(slow.quietFor(300)).as("nothing more").isTrue();
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            if (got.getOrDefault(i, 0) != 1) {
                wrong.add(i);
            }
        }
        assertThat(wrong).as("messages not received exactly once (of " + sent + ")").isEmpty();
        assertThat(order).as("in order").isSorted();
    }

    /**
     * A login reply that is large without any message (a big group) still carries at least one
     * offline message, with {@code offlinemore}; the rest follow the reply, once each, in order.
     */
    @Test
    void offlineMessagesBehindALargeLoginReplyFollowIt() {
        start(AbuseLimits.NONE, n -> n.withMaxFrameLength(16 * 1024).withHighWaterMark(64 * 1024));
        ChatClient c = client();
        long owner = c.register("owner", "pw");
        long reader = c.register("reader", "pw");
        long group = store.createGroup("big", "", owner);
        store.joinGroup(group, reader);
        for (int i = 0; i < 300; i++) {
            store.joinGroup(group, c.register("member-with-a-rather-long-name-of-forty-five-" + i, "pw"));
        }
        assertThat(errno(c.login(owner, "pw"))).isZero();
        for (int i = 0; i < 5; i++) {
            chat(c, reader, "m" + i);
        }
        List<String> got = new ArrayList<>();
        ChatClient r = client();
        JsonObject reply = r.login(reader, "pw");
        assertThat(errno(reply)).isZero();
        assertThat(reply.toString().length()).as("the reply is large without messages").isGreaterThan(16 * 1024);
        reply.getAsJsonArray("offlinemsg").forEach(e -> got.add(e.getAsJsonObject().get("msg").getAsString()));
        assertThat(got).as("a reply always carries at least one message").isNotEmpty();
        assertThat(reply.get("offlinemore").getAsBoolean()).isTrue();
        got.addAll(r.drainChats(500)); // the rest follows the reply
        assertThat(got).containsExactly("m0", "m1", "m2", "m3", "m4");
    }

    private static JsonObject chat(long to, int seq) {
        JsonObject chat = ChatClient.chat(to, "m" + seq);
        chat.addProperty("seq", seq);
        return chat;
    }

    private static void chat(ChatClient from, long to, String text) {
        JsonObject ack = from.request(ChatClient.chat(to, text).toString(), MsgId.ONE_CHAT_ACK);
        assertThat(errno(ack)).as(ack.toString()).isZero();
    }


    private static void count(Map<Integer, Integer> got, JsonObject m) {
        if (m.get("msgid").getAsInt() != MsgId.ONE_CHAT) {
            return;
        }
        String text = m.get("msg").getAsString();
        got.merge(Integer.parseInt(text.substring(0, text.indexOf(':'))), 1, Integer::sum);
    }
}
