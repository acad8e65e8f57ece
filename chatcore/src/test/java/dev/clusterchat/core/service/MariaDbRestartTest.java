package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.jdbc.JdbcStore;
import dev.clusterchat.core.testsupport.Await;
import dev.clusterchat.core.testsupport.ChatClient;
import dev.clusterchat.core.testsupport.Chatter;
import dev.clusterchat.core.testsupport.ChildServer;
import dev.clusterchat.core.testsupport.MariaDbServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose MariaDB (a private mariadbd) really goes away, by SIGTERM or by SIGKILL (crash
 * recovery on the way back), and comes back while users chat: during the outage chat between
 * users online here goes on and what needs the database gets errno 13 "database unavailable";
 * after it, without restarting the node, registering and logging in work again, and every
 * acknowledged message reaches its recipient exactly once, live or at the next login.
 */
@Timeout(60)
class MariaDbRestartTest {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final String DB_DOWN = "database unavailable, try again later";

    private static MariaDbServerProcess mariadb;
    private JdbcStore store;
    private ChatServer server;
    private final List<ChatClient> clients = new ArrayList<>();

    private record User(long id, ChatClient client) {
    }

    @BeforeAll
    static void install() {
        mariadb = MariaDbServerProcess.create();
    }

    @AfterAll
    static void remove() {
        if (mariadb != null) {
            mariadb.close();
        }
    }

    @BeforeEach
    void start() {
        if (!mariadb.running()) {
            mariadb.start(); // a failed test may have left it down
        }
        store = JdbcStore.open(mariadb.createDatabase() + "?connectTimeout=1000&socketTimeout=3000",
                MariaDbServerProcess.USER, MariaDbServerProcess.PASSWORD, 4, Duration.ofSeconds(2));
        server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000), store).start();
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
    }

    private ChatClient connect() {
        ChatClient c = ChatClient.connect(server.port());
        clients.add(c);
        return c;
    }

    private User user(String name, boolean login) {
        ChatClient c = connect();
        long id = c.register(name, "pw");
        if (login) {
            assertThat(c.login(id, "pw").get("errno").getAsInt()).isZero();
        }
        return new User(id, c);
    }

    private static JsonObject register(ChatClient c, String name) {
        return c.request("{\"msgid\":4,\"name\":\"" + name + "\",\"password\":\"pw\"}", MsgId.REG_ACK);
    }

    @ParameterizedTest
    @EnumSource(ChildServer.Fault.class)
    void chatGoesOnThroughADatabaseRestart(ChildServer.Fault fault) throws Exception {
        User alice = user("alice", true);
        User bob = user("bob", true);
        User sam = user("sam", true);
        User carol = user("carol", false);
        long group = sam.client().request("{\"msgid\":8,\"groupname\":\"crew\"}", MsgId.CREATE_GROUP_ACK)
                .get("groupid").getAsLong();
        bob.client().request("{\"msgid\":9,\"groupid\":" + group + "}", MsgId.ADD_GROUP_ACK);
        carol.client().login(carol.id(), "pw");
        carol.client().request("{\"msgid\":9,\"groupid\":" + group + "}", MsgId.ADD_GROUP_ACK);
        carol.client().request("{\"msgid\":3}", MsgId.LOGOUT_ACK);
        List<String> bobGot = new ArrayList<>();
        // sam writes to carol (offline: stored) and to the group (bob live, carol stored)
        try (Chatter samSends = new Chatter("sam", sam.client(), i -> i % 2 == 0
                ? ChatClient.chat(carol.id(), "sam-" + i) : ChatClient.groupChat(group, "group-" + i), Duration.ofMillis(5)).start()) {
            samSends.awaitAcked(10, WITHIN);

            fault.apply(mariadb);
            // a message is acknowledged only once it is durable: even between users online here it is refused
            JsonObject local = alice.client().request(ChatClient.chat(bob.id(), "local during the outage").toString(),
                    MsgId.ONE_CHAT_ACK);
            assertThat(local.get("errno").getAsInt()).as(local.toString()).isEqualTo(Errno.SERVER_ERROR.code());
            // what needs the database gets a clear error, and the connection stays usable
            ChatClient dave = connect();
            JsonObject reg = register(dave, "dave");
            assertThat(reg.get("errno").getAsInt()).as(reg.toString()).isEqualTo(Errno.SERVER_ERROR.code());
            assertThat(reg.get("errmsg").getAsString()).isEqualTo(DB_DOWN);
            JsonObject login = connect().login(carol.id(), "pw");
            assertThat(login.get("errno").getAsInt()).as(login.toString()).isEqualTo(Errno.SERVER_ERROR.code());
            assertThat(login.get("errmsg").getAsString()).isEqualTo(DB_DOWN);
            samSends.awaitRefused(samSends.refusals().size() + 5, WITHIN);

            mariadb.start();
            // the pool reconnects by itself: no restart of the node
            JsonObject again = register(dave, "dave");
            assertThat(again.get("errno").getAsInt()).as("register works again: " + again).isZero();
            samSends.awaitAcked(samSends.acked().size() + 20, WITHIN);
            samSends.close();

            assertThat(samSends.refusals()).as("every refusal says why").containsOnly(DB_DOWN);
            Await.until(() -> server.commitQueue() == 0, WITHIN, "the commit queue to drain");
            Set<String> acked = samSends.acked();
            Set<String> groupAcked = acked.stream().filter(t -> t.startsWith("group-")).collect(Collectors.toSet());
            // bob was online throughout: he got every acknowledged group message, live, once; a refused
            // one only if the database committed it just before it died (docs/ARCHITECTURE.md, Faults)
            bob.client().receiveChats(bobGot, groupAcked, WITHIN);
            bobGot.addAll(bob.client().drainChats(500));
            assertThat(bobGot).as("bob gets every acknowledged message").containsAll(groupAcked);
            assertThat(bobGot).as("nothing twice").doesNotHaveDuplicates();
            assertThat(samSends.sent()).as("nothing unsent").containsAll(bobGot);
            // carol gets every acknowledged message once at her next login; refused ones at most once
            JsonObject carolLogin = carol.client().login(carol.id(), "pw");
            assertThat(carolLogin.get("errno").getAsInt()).as(carolLogin.toString()).isZero();
            List<String> carolGot = texts(carolLogin.getAsJsonArray("offlinemsg"));
            carolGot.addAll(carol.client().drainChats(500));
            assertThat(carolGot).as("carol gets every acknowledged message").containsAll(acked);
            assertThat(carolGot).as("nothing twice").doesNotHaveDuplicates();
            assertThat(samSends.sent()).as("nothing unsent").containsAll(carolGot);
        }
    }

    @Test
    void afterACrashAndAQuickRestartAtMostOneRequestFails() {
        List<ChatClient> four = List.of(connect(), connect(), connect(), connect());
        // requests at once: several pooled connections, all returned just before the database goes
        for (int i = 0; i < four.size(); i++) {
            four.get(i).send("{\"msgid\":4,\"name\":\"before" + i + "\",\"password\":\"pw\"}");
        }
        for (ChatClient c : four) {
            assertThat(c.next(o -> o.get("msgid").getAsInt() == MsgId.REG_ACK).get("errno").getAsInt()).isZero();
        }
        mariadb.kill();
        mariadb.start();
        List<Integer> errnos = new ArrayList<>();
        for (int i = 0; i < four.size(); i++) {
            errnos.add(register(four.get(0), "after" + i).get("errno").getAsInt());
        }
        assertThat(errnos.subList(1, errnos.size())).as("only the first finds a dead connection: " + errnos).containsOnly(0);
    }



    private static List<String> texts(JsonArray messages) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : messages) {
            out.add(e.getAsJsonObject().get("msg").getAsString());
        }
        return out;
    }
}
