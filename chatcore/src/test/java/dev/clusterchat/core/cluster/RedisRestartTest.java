package dev.clusterchat.core.cluster;

import com.google.gson.JsonObject;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.store.memory.MemoryStore;
import dev.clusterchat.core.testsupport.Await;
import dev.clusterchat.core.testsupport.ChatClient;
import dev.clusterchat.core.testsupport.Chatter;
import dev.clusterchat.core.testsupport.ChildServer;
import dev.clusterchat.core.testsupport.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.JedisPooled;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on a private Redis that really goes away (SIGTERM or SIGKILL) and comes back empty
 * while users chat across the nodes: during the outage chat is still acknowledged (delivered on
 * the node, stored for the other) and logins get errno 13; after it, without restarting either
 * node, the nodes claim their users again, what was stored arrives live, cross-node chat and
 * single login work again, and every acknowledged message reaches its recipient exactly once.
 */
@Timeout(40)
class RedisRestartTest {
    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static final Duration PACE = Duration.ofMillis(5);

    private RedisServerProcess redis;
    private final MemoryStore store = new MemoryStore();
    private final List<AutoCloseable> closers = new ArrayList<>();
    private ChatServer a;
    private ChatServer b;

    private record User(long id, ChatClient client) {
    }

    @BeforeEach
    void start() {
        redis = RedisServerProcess.create();
        a = node("a", Duration.ofMillis(200));
        b = node("b", Duration.ofMillis(200));
    }

    private ChatServer node(String id, Duration heartbeat) {
        RedisCluster cluster = new RedisCluster(new RedisClusterConfig(redis.uri(), id, "chat:",
                heartbeat.multipliedBy(10), heartbeat));
        ChatServer server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(1))
                .withPasswordIterations(1000), store, cluster).start();
        closers.add(() -> server.stop(Duration.ofSeconds(5)));
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private ChatClient connect(ChatServer node) {
        ChatClient c = ChatClient.connect(node.port());
        closers.add(c);
        return c;
    }

    private User user(ChatServer node, String name) {
        ChatClient c = connect(node);
        long id = c.register(name, "pw");
        assertThat(c.login(id, "pw").get("errno").getAsInt()).isZero();
        return new User(id, c);
    }

    @ParameterizedTest
    @EnumSource(ChildServer.Fault.class)
    void chatAcrossNodesGoesOnThroughARedisRestart(ChildServer.Fault fault) throws Exception {
        User alice = user(a, "alice");
        User carol = user(a, "carol");
        User sam = user(a, "sam");
        User bob = user(b, "bob");
        User tom = user(b, "tom");
        long group = sam.client().request("{\"msgid\":8,\"groupname\":\"both-nodes\"}", MsgId.CREATE_GROUP_ACK)
                .get("groupid").getAsLong();
        for (User u : List.of(alice, bob)) {
            assertThat(u.client().request("{\"msgid\":9,\"groupid\":" + group + "}", MsgId.ADD_GROUP_ACK)
                    .get("errno").getAsInt()).isZero();
        }
        List<String> aliceGot = new ArrayList<>();
        List<String> bobGot = new ArrayList<>();
        // sam (node a) writes to bob (node b) and to the group (alice on a, bob on b); tom (b) writes to alice (a)
        try (Chatter samSends = new Chatter("sam", sam.client(), i -> i % 2 == 0
                ? ChatClient.chat(bob.id(), "sam-" + i) : ChatClient.groupChat(group, "group-" + i), PACE).start();
             Chatter tomSends = new Chatter("tom", tom.client(), i -> ChatClient.chat(alice.id(), "tom-" + i), PACE).start()) {
            samSends.awaitAcked(10, WITHIN);
            tomSends.awaitAcked(10, WITHIN);

            fault.apply(redis);
            int samBefore = samSends.acked().size();
            int tomBefore = tomSends.acked().size();
            // users on one node still chat live
            assertThat(carol.client().request(ChatClient.chat(alice.id(), "local during the outage").toString(), MsgId.ONE_CHAT_ACK)
                    .get("errno").getAsInt()).isZero();
            alice.client().receiveChats(aliceGot, Set.of("local during the outage"), WITHIN);
            assertThat(aliceGot).contains("local during the outage");
            // a login cannot be checked cluster-wide: a clear error, and the connection stays usable
            ChatClient erin = connect(a);
            long erinId = erin.register("erin", "pw");
            JsonObject refused = erin.login(erinId, "pw");
            assertThat(refused.get("errno").getAsInt()).as(refused.toString()).isEqualTo(Errno.SERVER_ERROR.code());
            assertThat(refused.get("errmsg").getAsString()).isEqualTo("presence service unavailable, try again later");
            // messages to the other node are acknowledged (stored) meanwhile
            samSends.awaitAcked(samBefore + 40, WITHIN);
            tomSends.awaitAcked(tomBefore + 40, WITHIN);
            Set<String> samSoFar = samSends.acked();
            Set<String> tomSoFar = tomSends.acked();

            redis.start();
            // what was stored during the outage reaches bob and alice live, without a new login
            bob.client().receiveChats(bobGot, samSoFar, WITHIN);
            assertThat(bobGot).containsAll(samSoFar);
            alice.client().receiveChats(aliceGot, tomSoFar, WITHIN);
            assertThat(aliceGot).containsAll(tomSoFar);
            JsonObject login = erin.login(erinId, "pw");
            assertThat(login.get("errno").getAsInt()).as("login works again: " + login).isZero();
            // node b holds bob again: single login holds across the cluster
            JsonObject twice = connect(a).login(bob.id(), "pw");
            assertThat(twice.get("errno").getAsInt()).as(twice.toString()).isEqualTo(Errno.ACCOUNT_IN_USE.code());
            samSends.awaitAcked(samSends.acked().size() + 40, WITHIN);
            tomSends.awaitAcked(tomSends.acked().size() + 40, WITHIN);
            samSends.close();
            tomSends.close();

            assertThat(samSends.refusals()).as("chat is never refused for want of Redis").isEmpty();
            assertThat(tomSends.refusals()).isEmpty();
            Set<String> toBob = samSends.acked();
            Set<String> toAlice = new HashSet<>(tomSends.acked());
            samSends.acked().stream().filter(t -> t.startsWith("group-")).forEach(toAlice::add);
            bob.client().receiveChats(bobGot, toBob, WITHIN);
            bobGot.addAll(bob.client().drainChats(500));
            alice.client().receiveChats(aliceGot, toAlice, WITHIN);
            aliceGot.addAll(alice.client().drainChats(500));
            toAlice.add("local during the outage");
            assertThat(bobGot).as("bob gets every acknowledged message once").containsExactlyInAnyOrderElementsOf(toBob);
            assertThat(aliceGot).as("alice gets every acknowledged message once").containsExactlyInAnyOrderElementsOf(toAlice);
        }
    }

    @Test
    void aCrashAndQuickRestartIsNoticed() {
        User alice = user(a, "alice");
        User bob = user(b, "bob");
        redis.kill();
        redis.start();
        // Redis lost everything: both nodes claim their users again by themselves
        try (JedisPooled check = new JedisPooled(redis.uri())) {
            Await.until(() -> "a".equals(check.hget("chat:presence", Long.toString(alice.id())))
                    && "b".equals(check.hget("chat:presence", Long.toString(bob.id()))), WITHIN, "users claimed again");
        }
        Await.until(() -> a.cluster().healthy() && b.cluster().healthy(), WITHIN, "both nodes healthy again");
        assertThat(alice.client().request(ChatClient.chat(bob.id(), "after").toString(), MsgId.ONE_CHAT_ACK).get("errno").getAsInt()).isZero();
        List<String> got = new ArrayList<>();
        bob.client().receiveChats(got, Set.of("after"), WITHIN);
        assertThat(got).containsExactly("after");
    }

    @ParameterizedTest
    @EnumSource(ChildServer.Fault.class)
    void theFirstLoginAfterRedisIsBackWorks(ChildServer.Fault fault) {
        // a heartbeat too slow to notice the restart first: the login is the first to use a pooled connection
        ChatServer quiet = node("quiet", Duration.ofSeconds(10));
        user(quiet, "alice");
        ChatClient bob = connect(quiet);
        long bobId = bob.register("bob", "pw");
        fault.apply(redis);
        redis.start();
        JsonObject login = bob.login(bobId, "pw");
        assertThat(login.get("errno").getAsInt()).as(login.toString()).isZero();
    }
}
