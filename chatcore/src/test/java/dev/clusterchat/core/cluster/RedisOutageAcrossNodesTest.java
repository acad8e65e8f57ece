package dev.clusterchat.core.cluster;

import com.google.gson.JsonObject;
import dev.clusterchat.core.net.ServerConfig;
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
 * Two nodes lose Redis (the network to the real server is cut) while users on both are online: a
 * message between them is acknowledged and stored, and reaches its recipient live as soon as
 * Redis is back, without a new login.
 */
@Timeout(60)
class RedisOutageAcrossNodesTest {
    private MariaDbDatabase db;
    private RedisPrefix redis;
    private final List<AutoCloseable> closers = new ArrayList<>();
    private final List<TcpProxy> proxies = new ArrayList<>();
    private final List<ChatServer> servers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisPrefix.create();
        db = MariaDbDatabase.create();
        servers.add(node("a"));
        servers.add(node("b"));
    }

    private ChatServer node(String id) throws Exception {
        TcpProxy proxy = new TcpProxy(RedisPrefix.URI.getHost(), RedisPrefix.URI.getPort() < 0 ? 6379 : RedisPrefix.URI.getPort());
        proxies.add(proxy);
        JdbcStore store = JdbcStore.open(db.url(), MariaDbDatabase.USER, MariaDbDatabase.PASSWORD, 4);
        RedisCluster cluster = new RedisCluster(new RedisClusterConfig(URI.create("redis://127.0.0.1:" + proxy.port()),
                id, redis.prefix(), Duration.ofSeconds(3), Duration.ofMillis(300)));
        ChatServer server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(1))
                .withPasswordIterations(1000), store, cluster).start();
        closers.add(proxy);
        closers.add(store);
        closers.add(() -> server.stop(Duration.ofSeconds(5)));
        return server;
    }

    @AfterEach
    void stop() throws Exception {
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

    private ChatClient loggedIn(ChatServer server, String name, long[] idOut) {
        ChatClient c = ChatClient.connect(server.port());
        closers.add(c);
        long id = c.request("{\"msgid\":4,\"name\":\"" + name + "\",\"password\":\"pw\"}", MsgId.REG_ACK).get("id").getAsLong();
        assertThat(c.request("{\"msgid\":1,\"id\":" + id + ",\"password\":\"pw\"}", MsgId.LOGIN_ACK).get("errno").getAsInt()).isZero();
        idOut[0] = id;
        return c;
    }

    @Test
    void messageStoredDuringTheOutageArrivesLiveWhenRedisIsBack() throws Exception {
        long[] a = new long[1];
        long[] b = new long[1];
        ChatClient alice = loggedIn(servers.get(0), "alice", a);
        ChatClient bob = loggedIn(servers.get(1), "bob", b);
        proxies.forEach(TcpProxy::cut);
        JsonObject ack = alice.request("{\"msgid\":6,\"toid\":" + b[0] + ",\"msg\":\"during the outage\"}", MsgId.ONE_CHAT_ACK);
        assertThat(ack.get("errno").getAsInt()).as("acknowledged: stored in the database").isZero();
        assertThat(bob.quietFor(500)).isTrue();
        for (TcpProxy p : proxies) {
            p.restore();
        }
        // within a few heartbeats both nodes notice Redis is back, and bob gets it without logging in again
        JsonObject got = bob.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT);
        assertThat(got.get("msg").getAsString()).isEqualTo("during the outage");
        // live across nodes again
        alice.request("{\"msgid\":6,\"toid\":" + b[0] + ",\"msg\":\"after\"}", MsgId.ONE_CHAT_ACK);
        assertThat(bob.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("after");
    }
}
