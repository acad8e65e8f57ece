package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.memory.MemoryStore;
import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What happens to messages and users when clients half-close, the store fails, or a legacy peer errs. */
@Timeout(30)
class ChatServerFailureTest {
    private FlakyStore store;
    private ChatServer server;
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        store = new FlakyStore(new MemoryStore());
        server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000), store).start();
    }

    @AfterEach
    void stop() {
        clients.forEach(ChatClient::close);
        server.stop(Duration.ofSeconds(5));
        store.close();
    }

    private ChatClient client() {
        ChatClient c = ChatClient.connect(server.port());
        clients.add(c);
        return c;
    }

    @Test
    void halfClosedLoginStillGetsItsReplyAndItsOfflineMessages() throws IOException {
        ChatClient a = client();
        long alice = a.register("alice", "pw");
        a.login(alice, "pw");
        ChatClient b = client();
        long bob = b.register("bob", "pw");
        a.request("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"kept for bob\"}", MsgId.ONE_CHAT_ACK);
        // bob logs in and closes his sending side at once (printf ... | nc -N)
        b.send("{\"msgid\":1,\"id\":" + bob + ",\"password\":\"pw\"}");
        b.socket().shutdownOutput();
        JsonObject r = b.next();
        assertThat(r.get("errno").getAsInt()).isZero();
        assertThat(r.getAsJsonArray("offlinemsg")).hasSize(1);
        assertThat(b.closedByServer()).isTrue();
    }

    @Test
    void aLoginThatFailsLeavesTheUserFreeAndLosesNothing() {
        ChatClient a = client();
        long alice = a.register("alice", "pw");
        a.login(alice, "pw");
        ChatClient b = client();
        long bob = b.register("bob", "pw");
        a.request("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"first\"}", MsgId.ONE_CHAT_ACK);
        store.failReads = true;
        JsonObject failed = b.login(bob, "pw");
        assertThat(failed.get("errno").getAsInt()).isEqualTo(Errno.SERVER_ERROR.code());
        assertThat(failed.get("errmsg").getAsString()).isEqualTo("database unavailable, try again later");
        store.failReads = false;
        // not stuck: a retry on the same connection works, and nothing was lost
        a.request("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"second\"}", MsgId.ONE_CHAT_ACK);
        JsonObject ok = b.login(bob, "pw");
        assertThat(ok.get("errno").getAsInt()).isZero();
        List<String> got = new ArrayList<>();
        ok.getAsJsonArray("offlinemsg").forEach(e -> got.add(e.getAsJsonObject().get("msg").getAsString()));
        assertThat(got).containsExactly("first", "second");
        a.request("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"live\"}", MsgId.ONE_CHAT_ACK);
        assertThat(b.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("live");
    }

    @Test
    void aMessageThatCannotBeStoredIsRefusedAndItsResendIsStoredOnce() {
        ChatClient a = client();
        long alice = a.register("alice", "pw");
        a.login(alice, "pw");
        ChatClient b = client();
        long bob = b.register("bob", "pw");
        b.login(bob, "pw");
        ChatClient c = client();
        long carol = c.register("carol", "pw");
        long g = a.request("{\"msgid\":8,\"groupname\":\"g\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong();
        b.request("{\"msgid\":9,\"groupid\":" + g + "}", MsgId.ADD_GROUP_ACK);
        c.login(carol, "pw");
        c.request("{\"msgid\":9,\"groupid\":" + g + "}", MsgId.ADD_GROUP_ACK);
        c.request("{\"msgid\":3}", MsgId.LOGOUT_ACK);
        store.failWrites = true; // nothing can be made durable: nothing is acknowledged, nobody gets it
        String send = "{\"msgid\":10,\"groupid\":" + g + ",\"msg\":\"to all\",\"cmid\":\"m1\"}";
        JsonObject refused = a.request(send, MsgId.GROUP_CHAT_ACK);
        assertThat(refused.get("errno").getAsInt()).as(refused.toString()).isEqualTo(Errno.SERVER_ERROR.code());
        b.quietFor(200);
        assertThat(b.drainChats(100)).as("bob got nothing that was not stored").isEmpty();
        store.failWrites = false;
        JsonObject ack = a.request(send, MsgId.GROUP_CHAT_ACK);
        assertThat(ack.get("errno").getAsInt()).as(ack.toString()).isZero();
        assertThat(ack.get("gseq").getAsLong()).isEqualTo(1);
        JsonObject again = a.request(send, MsgId.GROUP_CHAT_ACK);
        assertThat(again.get("dup").getAsBoolean()).as("a resend of a stored message: " + again).isTrue();
        assertThat(again.get("msgno")).isEqualTo(ack.get("msgno"));
        JsonObject got = b.next(o -> o.get("msgid").getAsInt() == MsgId.GROUP_CHAT);
        assertThat(got.get("msg").getAsString()).isEqualTo("to all");
        b.quietFor(200);
        assertThat(b.drainChats(100)).as("the resend is not delivered twice").isEmpty();
        JsonArray off = c.login(carol, "pw").getAsJsonArray("offlinemsg");
        assertThat(off).hasSize(1);
        assertThat(off.get(0).getAsJsonObject().get("msg").getAsString()).isEqualTo("to all");
    }

    @Test
    void legacyPeerGetsAnErrorForAnUnknownMsgid() {
        ChatClient old = ChatClient.connectLegacy(server.port());
        clients.add(old);
        old.send("{\"msgid\":99}");
        JsonObject r = JsonParser.parseString(old.readFrame()).getAsJsonObject();
        assertThat(r.get("msgid").getAsInt()).isEqualTo(MsgId.ERROR);
        assertThat(r.get("errno").getAsInt()).isEqualTo(Errno.UNKNOWN_MSGID.code());
    }
}
