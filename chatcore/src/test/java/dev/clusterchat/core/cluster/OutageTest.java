package dev.clusterchat.core.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.store.jdbc.JdbcStore;
import dev.clusterchat.core.testsupport.ChatClient;
import dev.clusterchat.core.testsupport.MariaDbDatabase;
import dev.clusterchat.core.testsupport.RedisPrefix;
import dev.clusterchat.core.testsupport.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose Redis or MariaDB goes away (the network to the real server is cut by a proxy):
 * local delivery goes on, the rest gets clear errors, nothing acknowledged is lost, and service
 * comes back by itself.
 */
@Timeout(90)
class OutageTest {
    private MariaDbDatabase db;
    private RedisPrefix redis;
    private TcpProxy redisProxy;
    private TcpProxy dbProxy;
    private JdbcStore store;
    private ChatServer server;
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisPrefix.create();
        db = MariaDbDatabase.create();
        redisProxy = new TcpProxy(RedisPrefix.URI.getHost(), RedisPrefix.URI.getPort() < 0 ? 6379 : RedisPrefix.URI.getPort());
        URI dbUri = URI.create(db.url().substring("jdbc:".length()));
        dbProxy = new TcpProxy(dbUri.getHost(), dbUri.getPort() < 0 ? 3306 : dbUri.getPort());
        String proxiedDb = "jdbc:mariadb://127.0.0.1:" + dbProxy.port() + "/" + db.name() + "?connectTimeout=1000&socketTimeout=3000";
        store = JdbcStore.open(proxiedDb, MariaDbDatabase.USER, MariaDbDatabase.PASSWORD, 4, Duration.ofSeconds(2));
        RedisCluster cluster = new RedisCluster(new RedisClusterConfig(URI.create("redis://127.0.0.1:" + redisProxy.port()),
                "solo", redis.prefix(), Duration.ofSeconds(2), Duration.ofMillis(300)));
        server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000), store, cluster).start();
    }

    @AfterEach
    void stop() {
        clients.forEach(ChatClient::close);
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        if (store != null) {
            store.close();
        }
        if (redisProxy != null) {
            redisProxy.close();
        }
        if (dbProxy != null) {
            dbProxy.close();
        }
        if (db != null) {
            db.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private ChatClient client() {
        ChatClient c = ChatClient.connect(server.port());
        clients.add(c);
        return c;
    }

    @Test
    void redisOutage() throws Exception {
        ChatClient alice = client();
        ChatClient bob = client();
        ChatClient carol = client();
        long a = alice.register("alice", "pw");
        long b = bob.register("bob", "pw");
        long c = carol.register("carol", "pw");
        assertThat(alice.login(a, "pw").get("errno").getAsInt()).isZero();
        assertThat(bob.login(b, "pw").get("errno").getAsInt()).isZero();

        redisProxy.cut();
        // local delivery goes on
        assertThat(alice.request("{\"msgid\":6,\"toid\":" + b + ",\"msg\":\"local\"}", MsgId.ONE_CHAT_ACK).get("errno").getAsInt()).isZero();
        assertThat(bob.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("local");
        // an offline recipient's message is acknowledged and stored
        assertThat(alice.request("{\"msgid\":6,\"toid\":" + c + ",\"msg\":\"kept\"}", MsgId.ONE_CHAT_ACK).get("errno").getAsInt()).isZero();
        // a login cannot be checked cluster-wide: a clear error
        JsonObject refused = carol.login(c, "pw");
        assertThat(refused.get("errno").getAsInt()).isEqualTo(Errno.SERVER_ERROR.code());
        assertThat(refused.get("errmsg").getAsString()).contains("unavailable");

        redisProxy.restore();
        JsonObject r;
        long deadline = System.nanoTime() + 15_000_000_000L;
        do {
            r = carol.login(c, "pw");
        } while (r.get("errno").getAsInt() != 0 && System.nanoTime() < deadline);
        assertThat(r.get("errno").getAsInt()).as("login works again once Redis is back: " + r).isZero();
        JsonArray off = r.getAsJsonArray("offlinemsg");
        assertThat(off).hasSize(1);
        assertThat(off.get(0).getAsJsonObject().get("msg").getAsString()).isEqualTo("kept");
    }

    @Test
    void databaseOutage() throws Exception {
        ChatClient alice = client();
        ChatClient bob = client();
        long a = alice.register("alice", "pw");
        long b = bob.register("bob", "pw");
        alice.login(a, "pw");
        bob.login(b, "pw");

        dbProxy.cut();
        // a message is acknowledged only once it is durable: refused, and nobody gets it
        String chat = "{\"msgid\":6,\"toid\":" + b + ",\"msg\":\"still here\",\"cmid\":\"c1\"}";
        JsonObject refused = alice.request(chat, MsgId.ONE_CHAT_ACK);
        assertThat(refused.get("errno").getAsInt()).as(refused.toString()).isEqualTo(Errno.SERVER_ERROR.code());
        assertThat(refused.get("errmsg").getAsString()).isEqualTo("database unavailable, try again later");
        assertThat(bob.quietFor(200)).as("bob got nothing").isTrue();
        // what needs it gets a clear error, and the connection goes on
        ChatClient dave = client();
        JsonObject reg = dave.request("{\"msgid\":4,\"name\":\"dave\",\"password\":\"pw\"}", MsgId.REG_ACK);
        assertThat(reg.get("errno").getAsInt()).isEqualTo(Errno.SERVER_ERROR.code());
        assertThat(reg.get("errmsg").getAsString()).isEqualTo("database unavailable, try again later");
        JsonObject toAbsent = alice.request("{\"msgid\":6,\"toid\":424242,\"msg\":\"x\"}", MsgId.ONE_CHAT_ACK);
        assertThat(toAbsent.get("errno").getAsInt()).isEqualTo(Errno.SERVER_ERROR.code());

        dbProxy.restore();
        JsonObject again;
        long deadline = System.nanoTime() + 15_000_000_000L;
        do {
            again = dave.request("{\"msgid\":4,\"name\":\"dave\",\"password\":\"pw\"}", MsgId.REG_ACK);
        } while (again.get("errno").getAsInt() == Errno.SERVER_ERROR.code() && System.nanoTime() < deadline);
        assertThat(again.get("errno").getAsInt()).as("the pool reconnects by itself: " + again).isZero();
        assertThat(alice.request(chat, MsgId.ONE_CHAT_ACK).get("errno").getAsInt()).as("the resend is stored").isZero();
        assertThat(bob.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("still here");
        assertThat(bob.quietFor(200)).as("once").isTrue();
    }
}
