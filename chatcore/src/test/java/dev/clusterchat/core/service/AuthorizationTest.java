package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.Member;
import dev.clusterchat.core.store.Role;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.memory.MemoryStore;
import dev.clusterchat.core.testsupport.ChatClient;
import dev.clusterchat.core.testsupport.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over the wire, a client tries to act as another user: forged {@code id}/{@code from}/{@code name}
 * fields, another user's session, someone else's offline messages, a group it is not in, a session
 * after logout. The server takes identity from the session only: each attempt gets its exact reply
 * and leaves the victim's friends, groups, offline messages and login as they were.
 */
@Timeout(60)
class AuthorizationTest {
    private final MemoryStore store = new MemoryStore();
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(store);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Account(long id, String name, ChatClient c) {
        String password() {
            return "pw-" + name;
        }
    }

    private ChatClient client() {
        return server.client();
    }

    private Account registered(String name) {
        ChatClient c = client();
        return new Account(c.register(name, "pw-" + name), name, c);
    }

    private Account online(String name) {
        Account u = registered(name);
        assertThat(errno(u.c().login(u.id(), u.password()))).isZero();
        return u;
    }

    /** The user's friends, groups and offline messages as a fresh login on a new connection shows them (then logged out). */
    private JsonObject stateOf(Account u) {
        ChatClient c = client();
        JsonObject r = c.login(u.id(), u.password());
        assertThat(errno(r)).as("login of %s to look at its state: %s", u.name(), r).isZero();
        assertThat(errno(c.request("{\"msgid\":3}", MsgId.LOGOUT_ACK))).isZero();
        return r;
    }

    @Test
    void chatCarriesTheSessionsIdentityWhateverTheRequestSays() {
        Account a = online("alice");
        Account b = online("bob");
        Account c = online("carol");
        JsonObject ack = a.c().request("{\"msgid\":6,\"id\":" + b.id() + ",\"from\":" + b.id() + ",\"fromid\":" + b.id()
                + ",\"name\":\"bob\",\"toid\":" + c.id() + ",\"msg\":\"I am bob\"}", MsgId.ONE_CHAT_ACK);
        assertThat(errno(ack)).isZero();
        JsonObject got = c.c().next(o -> msgid(o) == MsgId.ONE_CHAT);
        assertThat(got.get("id").getAsLong()).isEqualTo(a.id());
        assertThat(got.get("name").getAsString()).isEqualTo("alice");
        assertThat(got.has("from")).isFalse();
        assertThat(b.c().quietFor(200)).as("the forged sender hears nothing").isTrue();

        // the same from a legacy (seed) client, which gets no reply
        ChatClient legacy = server.legacyClient();
        Account d = registered("dave");
        legacy.send("{\"msgid\":1,\"id\":" + d.id() + ",\"password\":\"pw-dave\"}");
        assertThat(legacy.readFrame()).contains("\"errno\":0");
        legacy.send("{\"msgid\":6,\"id\":" + b.id() + ",\"name\":\"bob\",\"toid\":" + c.id() + ",\"msg\":\"seed forgery\"}");
        JsonObject fromSeed = c.c().next(o -> msgid(o) == MsgId.ONE_CHAT);
        assertThat(fromSeed.get("id").getAsLong()).isEqualTo(d.id());
        assertThat(fromSeed.get("name").getAsString()).isEqualTo("dave");
    }

    @Test
    void joinAddFriendAndCreateGroupActForTheCallerOnly() {
        Account a = online("alice");
        Account b = registered("bob");
        Account c = online("carol");
        long g = c.c().request("{\"msgid\":8,\"groupname\":\"carols\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong();

        JsonObject joined = a.c().request("{\"msgid\":9,\"id\":" + b.id() + ",\"userid\":" + b.id() + ",\"groupid\":" + g + "}",
                MsgId.ADD_GROUP_ACK);
        assertThat(errno(joined)).isZero();
        JsonObject friended = a.c().request("{\"msgid\":7,\"id\":" + b.id() + ",\"userid\":" + b.id() + ",\"friendid\":"
                + c.id() + "}", MsgId.ADD_FRIEND_ACK);
        assertThat(errno(friended)).isZero();
        JsonObject created = a.c().request("{\"msgid\":8,\"id\":" + b.id() + ",\"userid\":" + b.id()
                + ",\"groupname\":\"bobs\",\"groupdesc\":\"made by alice\"}", MsgId.CREATE_GROUP_ACK);
        assertThat(errno(created)).isZero();
        long bobs = created.get("groupid").getAsLong();

        JsonObject victim = stateOf(b);
        assertThat(victim.getAsJsonArray("friends")).isEmpty();
        assertThat(victim.getAsJsonArray("groups")).isEmpty();
        assertThat(store.groupMemberIds(g)).containsExactly(a.id(), c.id());
        assertThat(store.groupMemberIds(bobs)).containsExactly(a.id());
        assertThat(store.groupsOf(a.id()).get(1).members()).containsExactly(new Member(a.id(), "alice", Role.CREATOR));
        assertThat(store.friends(c.id())).containsExactly(new User(a.id(), "alice"));
    }

    @Test
    void logoutWithAnotherUsersIdLogsOutTheCallerOnly() {
        Account a = online("alice");
        Account b = online("bob");
        assertThat(errno(a.c().request("{\"msgid\":3,\"id\":" + b.id() + "}", MsgId.LOGOUT_ACK))).isZero();
        assertThat(errno(a.c().request("{\"msgid\":6,\"toid\":" + b.id() + ",\"msg\":\"x\"}", MsgId.ONE_CHAT_ACK)))
                .isEqualTo(Errno.NOT_LOGGED_IN.code());
        // bob is still logged in, on his own connection only
        assertThat(errno(b.c().request("{\"msgid\":6,\"toid\":" + a.id() + ",\"msg\":\"still here\"}", MsgId.ONE_CHAT_ACK)))
                .isZero();
        assertThat(errno(client().login(b.id(), b.password()))).isEqualTo(Errno.ACCOUNT_IN_USE.code());
        assertThat(errno(client().login(a.id(), a.password()))).as("alice is free again").isZero();
    }

    @Test
    void anotherUsersOfflineMessagesStayTheirs() {
        Account a = online("alice");
        Account b = registered("bob");
        Account c = online("carol");
        for (int i = 0; i < 3; i++) {
            assertThat(errno(c.c().request("{\"msgid\":6,\"toid\":" + b.id() + ",\"msg\":\"for bob " + i + "\"}",
                    MsgId.ONE_CHAT_ACK))).isZero();
        }
        ChatClient mallory = client();
        JsonObject wrong = mallory.login(b.id(), "pw-alice");
        assertThat(errno(wrong)).isEqualTo(Errno.AUTH_FAILED.code());
        assertThat(wrong.has("offlinemsg")).isFalse();
        assertThat(errno(mallory.request("{\"msgid\":6,\"id\":" + b.id() + ",\"toid\":" + c.id() + ",\"msg\":\"x\"}",
                MsgId.ONE_CHAT_ACK))).isEqualTo(Errno.NOT_LOGGED_IN.code());
        assertThat(errno(mallory.login(b.id() + (1L << 32), b.password()))).isEqualTo(Errno.AUTH_FAILED.code());
        assertThat(errno(mallory.request("{\"msgid\":1,\"id\":\"" + b.id() + "x\",\"password\":\"pw-bob\"}", MsgId.LOGIN_ACK)))
                .isEqualTo(Errno.INVALID_REQUEST.code());
        // logged in as alice, bob's right password on the same connection changes nothing
        JsonObject second = a.c().login(b.id(), b.password());
        assertThat(errno(second)).isEqualTo(Errno.ALREADY_LOGGED_IN.code());
        assertThat(second.has("offlinemsg")).isFalse();
        assertThat(a.c().quietFor(200)).as("nothing of bob's reaches alice").isTrue();
        assertThat(errno(a.c().request("{\"msgid\":3}", MsgId.LOGOUT_ACK))).isZero();
        assertThat(stateOf(a).getAsJsonArray("offlinemsg")).isEmpty();

        JsonArray bobs = stateOf(b).getAsJsonArray("offlinemsg");
        assertThat(bobs).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(bobs.get(i).getAsJsonObject().get("msg").getAsString()).isEqualTo("for bob " + i);
        }
    }

    @Test
    void groupChatNeedsMembershipWhateverIdTheRequestNames() {
        Account a = online("alice");
        Account b = online("bob");
        Account outsider = online("mallory");
        long g = a.c().request("{\"msgid\":8,\"groupname\":\"team\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong();
        b.c().request("{\"msgid\":9,\"groupid\":" + g + "}", MsgId.ADD_GROUP_ACK);
        JsonObject r = outsider.c().request("{\"msgid\":10,\"id\":" + a.id() + ",\"name\":\"alice\",\"groupid\":" + g
                + ",\"msg\":\"let me in\"}", MsgId.GROUP_CHAT_ACK);
        assertThat(errno(r)).isEqualTo(Errno.NOT_A_MEMBER.code());
        assertThat(r.get("errmsg").getAsString()).isEqualTo("you are not a member of group " + g);
        assertThat(a.c().quietFor(200)).isTrue();
        assertThat(b.c().quietFor(50)).isTrue();
        assertThat(store.groupMemberIds(g)).containsExactly(a.id(), b.id());
    }

    @Test
    void aSessionAfterLogoutCanDoNothing() {
        Account a = online("alice");
        Account b = online("bob");
        long g = b.c().request("{\"msgid\":8,\"groupname\":\"bobs\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong();
        assertThat(errno(a.c().request("{\"msgid\":3}", MsgId.LOGOUT_ACK))).isZero();
        ChatClient elsewhere = client();
        assertThat(errno(elsewhere.login(a.id(), a.password()))).isZero();
        String id = "\"id\":" + a.id() + ",";
        int[][] attempts = {
                {MsgId.ONE_CHAT, MsgId.ONE_CHAT_ACK}, {MsgId.ADD_FRIEND, MsgId.ADD_FRIEND_ACK},
                {MsgId.CREATE_GROUP, MsgId.CREATE_GROUP_ACK}, {MsgId.ADD_GROUP, MsgId.ADD_GROUP_ACK},
                {MsgId.GROUP_CHAT, MsgId.GROUP_CHAT_ACK}, {MsgId.LOGOUT, MsgId.LOGOUT_ACK}};
        for (int[] k : attempts) {
            JsonObject r = a.c().request("{\"msgid\":" + k[0] + "," + id + "\"toid\":" + b.id() + ",\"friendid\":" + b.id()
                    + ",\"groupid\":" + g + ",\"groupname\":\"ghost\",\"msg\":\"ghost\"}", k[1]);
            assertThat(errno(r)).as("msgid %d after logout", k[0]).isEqualTo(Errno.NOT_LOGGED_IN.code());
        }
        assertThat(b.c().quietFor(200)).as("bob got nothing").isTrue();
        assertThat(store.groupMemberIds(g)).containsExactly(b.id());
        assertThat(store.friends(a.id())).isEmpty();
        assertThat(store.groupsOf(a.id())).isEmpty();
        // alice's new session is untouched by the old connection's logout attempt
        assertThat(errno(elsewhere.request("{\"msgid\":6,\"toid\":" + b.id() + ",\"msg\":\"real\"}", MsgId.ONE_CHAT_ACK)))
                .isZero();
        assertThat(b.c().next(o -> msgid(o) == MsgId.ONE_CHAT).get("msg").getAsString()).isEqualTo("real");
    }

    private static int msgid(JsonObject o) {
        return o.get("msgid").getAsInt();
    }

    private static int errno(JsonObject o) {
        return o.get("errno").getAsInt();
    }
}
