package dev.clusterchat.core.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.store.jdbc.JdbcStore;
import dev.clusterchat.core.testsupport.ChatClient;
import dev.clusterchat.core.testsupport.MariaDbDatabase;
import dev.clusterchat.core.testsupport.RedisPrefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes in one JVM on the real Redis and the real MariaDB (each run with its own database and
 * key prefix): cross-node chat, group chat across nodes, offline delivery, one login per user.
 */
@Timeout(60)
class TwoNodeClusterTest {
    private MariaDbDatabase db;
    private RedisPrefix redis;
    private final List<AutoCloseable> closers = new ArrayList<>();
    private Node a;
    private Node b;
    private final List<ChatClient> clients = new ArrayList<>();

    private record Node(ChatServer server, Counting cluster) {
    }

    /** Counts publishes, to check a group message costs one publish per node. */
    private static final class Counting implements Cluster {
        final Cluster inner;
        final AtomicInteger publishes = new AtomicInteger();
        final AtomicInteger messages = new AtomicInteger();
        /** Thrown by the next locate, once. */
        final java.util.concurrent.atomic.AtomicReference<Error> failNextLocate = new java.util.concurrent.atomic.AtomicReference<>();

        Counting(Cluster inner) {
            this.inner = inner;
        }

        public String nodeId() {
            return inner.nodeId();
        }

        public void start(Inbound inbound) {
            inner.start(inbound);
        }

        public String claim(long userId) {
            return inner.claim(userId);
        }

        public void release(long userId) {
            inner.release(userId);
        }

        public Map<Long, String> locateRemote(Collection<Long> userIds) {
            Error e = failNextLocate.getAndSet(null);
            if (e != null) {
                throw e;
            }
            return inner.locateRemote(userIds);
        }

        public boolean isOnline(long userId) {
            return inner.isOnline(userId);
        }

        public boolean publish(String nodeId, List<Long> userIds, String message) {
            publishes.incrementAndGet();
            messages.incrementAndGet();
            return inner.publish(nodeId, userIds, message);
        }

        public boolean publishAll(String nodeId, List<Delivery> deliveries) {
            publishes.incrementAndGet();
            messages.addAndGet(deliveries.size());
            return inner.publishAll(nodeId, deliveries);
        }

        public void requestSync(String nodeId, long userId) {
            inner.requestSync(nodeId, userId);
        }

        public void close() {
            inner.close();
        }
    }

    @BeforeEach
    void start() {
        redis = RedisPrefix.create();
        db = MariaDbDatabase.create();
        a = node("a");
        b = node("b");
    }

    private Node node(String id) {
        JdbcStore store = JdbcStore.open(db.url(), MariaDbDatabase.USER, MariaDbDatabase.PASSWORD, 4);
        Counting cluster = new Counting(new RedisCluster(new RedisClusterConfig(RedisPrefix.URI, id, redis.prefix(),
                Duration.ofSeconds(2), Duration.ofMillis(400))));
        ChatServer server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000), store, cluster).start();
        closers.add(store);
        closers.add(() -> server.stop(Duration.ofSeconds(5)));
        return new Node(server, cluster);
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(ChatClient::close);
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
        if (db != null) {
            db.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private record User(long id, ChatClient c) {
    }

    private User user(Node node, String name) {
        ChatClient c = ChatClient.connect(node.server().port());
        clients.add(c);
        JsonObject reg = c.request("{\"msgid\":4,\"name\":\"" + name + "\",\"password\":\"pw\"}", MsgId.REG_ACK);
        long id = reg.get("id").getAsLong();
        JsonObject login = c.request("{\"msgid\":1,\"id\":" + id + ",\"password\":\"pw\"}", MsgId.LOGIN_ACK);
        assertThat(login.get("errno").getAsInt()).as(login.toString()).isZero();
        return new User(id, c);
    }

    /**
     * The sender's node remembers for a moment where the recipient was (its presence cache). The
     * recipient moves to a third node within that moment: the message goes to the node it left,
     * which has the new node read it from the store at once. Nothing is lost, nothing doubled.
     */
    @Test
    void aRecipientThatJustMovedStillGetsItLiveFromAStaleLocation() {
        Node c = node("c");
        User alice = user(a, "alice");
        User bob = user(b, "bob");
        JsonObject first = alice.c().request("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"to b\"}", MsgId.ONE_CHAT_ACK);
        assertThat(first.get("errno").getAsInt()).isZero();
        assertThat(bob.c().next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("to b");
        // bob moves to node c at once: a still takes him to be on b
        bob.c().request("{\"msgid\":3}", MsgId.LOGOUT_ACK);
        ChatClient moved = ChatClient.connect(c.server().port());
        clients.add(moved);
        assertThat(moved.login(bob.id(), "pw").get("errno").getAsInt()).isZero();
        int before = a.cluster().publishes.get();
        JsonObject ack = alice.c().request("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"moved\"}", MsgId.ONE_CHAT_ACK);
        assertThat(ack.get("errno").getAsInt()).isZero();
        assertThat(moved.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("moved");
        assertThat(a.cluster().publishes.get() - before).as("one publish, to where bob was seen").isEqualTo(1);
        assertThat(moved.quietFor(500)).as("and only once").isTrue();
        assertThat(bob.c().quietFor(100)).isTrue();
    }

    @Test
    void oneToOneAcrossNodesIsLive() {
        User alice = user(a, "alice");
        User bob = user(b, "bob");
        JsonObject ack = alice.c().request("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"over the bus\"}", MsgId.ONE_CHAT_ACK);
        assertThat(ack.get("errno").getAsInt()).isZero();
        JsonObject got = bob.c().next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT);
        assertThat(got.get("msg").getAsString()).isEqualTo("over the bus");
        assertThat(got.get("name").getAsString()).isEqualTo("alice");
        // and back, in order
        for (int i = 0; i < 50; i++) {
            bob.c().send("{\"msgid\":6,\"toid\":" + alice.id() + ",\"msg\":\"r" + i + "\"}");
        }
        for (int i = 0; i < 50; i++) {
            assertThat(alice.c().next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("r" + i);
        }
    }

    @Test
    void messagesWaitingForTheSameNodeShareAPublishAndKeepTheirOrder() {
        User alice = user(a, "alice");
        User bob = user(b, "bob");
        User carol = user(b, "carol");
        int publishes = a.cluster().publishes.get();
        int messages = a.cluster().messages.get();
        for (int i = 0; i < 200; i++) { // pipelined (within the rate burst): commits and publishes queue up
            alice.c().send("{\"msgid\":6,\"toid\":" + (i % 2 == 0 ? bob.id() : carol.id()) + ",\"msg\":\"m" + i + "\"}");
        }
        for (int i = 0; i < 200; i += 2) {
            assertThat(bob.c().next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("m" + i);
            assertThat(carol.c().next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString())
                    .isEqualTo("m" + (i + 1));
        }
        assertThat(a.cluster().messages.get() - messages).isEqualTo(200);
        assertThat(a.cluster().publishes.get() - publishes).as("publishes for 200 messages").isLessThan(200);
    }

    @Test
    void aPublisherThatHitAnErrorKeepsPublishingAndTheFailedMessageStillArrives() {
        User alice = user(a, "alice");
        User bob = user(b, "bob");
        a.cluster().failNextLocate.set(new OutOfMemoryError("test: the drainer's locate fails"));
        JsonObject ack = alice.c().request("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"first\"}", MsgId.ONE_CHAT_ACK);
        assertThat(ack.get("errno").getAsInt()).isZero();
        assertThat(bob.c().next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString())
                .as("its node is asked to sync it").isEqualTo("first");
        alice.c().request("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"second\"}", MsgId.ONE_CHAT_ACK);
        assertThat(bob.c().next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString())
                .as("and publishing goes on").isEqualTo("second");
    }

    @Test
    void groupMessageReachesEveryNodeWithOnePublishPerNode() {
        User alice = user(a, "alice");
        User carol = user(a, "carol");
        User bob = user(b, "bob");
        User dave = user(b, "dave");
        User erin = user(b, "erin");
        long g = alice.c().request("{\"msgid\":8,\"groupname\":\"everyone\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong();
        for (User u : List.of(carol, bob, dave, erin)) {
            assertThat(u.c().request("{\"msgid\":9,\"groupid\":" + g + "}", MsgId.ADD_GROUP_ACK).get("errno").getAsInt()).isZero();
        }
        int before = a.cluster().publishes.get();
        JsonObject ack = alice.c().request("{\"msgid\":10,\"groupid\":" + g + ",\"msg\":\"hi all\"}", MsgId.GROUP_CHAT_ACK);
        assertThat(ack.get("recipients").getAsInt()).isEqualTo(4);
        for (User u : List.of(carol, bob, dave, erin)) {
            JsonObject got = u.c().next(o -> o.get("msgid").getAsInt() == MsgId.GROUP_CHAT);
            assertThat(got.get("msg").getAsString()).isEqualTo("hi all");
            assertThat(got.get("id").getAsLong()).isEqualTo(alice.id());
        }
        assertThat(a.cluster().publishes.get() - before).as("one publish for node b's three members").isEqualTo(1);
    }

    @Test
    void offlineEverywhereArrivesAtNextLoginOnAnyNode() {
        User alice = user(a, "alice");
        User bob = user(b, "bob");
        bob.c().request("{\"msgid\":3}", MsgId.LOGOUT_ACK);
        alice.c().request("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"stored\"}", MsgId.ONE_CHAT_ACK);
        ChatClient onA = ChatClient.connect(a.server().port());
        clients.add(onA);
        JsonObject login = onA.request("{\"msgid\":1,\"id\":" + bob.id() + ",\"password\":\"pw\"}", MsgId.LOGIN_ACK);
        JsonArray off = login.getAsJsonArray("offlinemsg");
        assertThat(off).hasSize(1);
        assertThat(off.get(0).getAsJsonObject().get("msg").getAsString()).isEqualTo("stored");
    }

    @Test
    void oneLoginPerUserAcrossTheCluster() {
        User alice = user(a, "alice");
        ChatClient onB = ChatClient.connect(b.server().port());
        clients.add(onB);
        JsonObject r = onB.request("{\"msgid\":1,\"id\":" + alice.id() + ",\"password\":\"pw\"}", MsgId.LOGIN_ACK);
        assertThat(r.get("errno").getAsInt()).isEqualTo(2);
        // after logout on a, b may take it; friends on a see the state across nodes
        alice.c().request("{\"msgid\":3}", MsgId.LOGOUT_ACK);
        assertThat(onB.request("{\"msgid\":1,\"id\":" + alice.id() + ",\"password\":\"pw\"}", MsgId.LOGIN_ACK)
                .get("errno").getAsInt()).isZero();
        User bob = user(a, "bob");
        JsonObject add = bob.c().request("{\"msgid\":7,\"friendid\":" + alice.id() + "}", MsgId.ADD_FRIEND_ACK);
        assertThat(add.get("state").getAsString()).isEqualTo("online");
    }

    @Test
    void stoppedNodeLeavesNoUserOnline() {
        User bob = user(b, "bob");
        b.server().stop(Duration.ofSeconds(5));
        ChatClient onA = ChatClient.connect(a.server().port());
        clients.add(onA);
        JsonObject r = onA.request("{\"msgid\":1,\"id\":" + bob.id() + ",\"password\":\"pw\"}", MsgId.LOGIN_ACK);
        assertThat(r.get("errno").getAsInt()).as("a stopped node releases its users at once").isZero();
    }
}
