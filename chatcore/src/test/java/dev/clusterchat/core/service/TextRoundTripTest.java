package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.jdbc.JdbcStore;
import dev.clusterchat.core.store.memory.MemoryStore;
import dev.clusterchat.core.testsupport.ChatClient;
import dev.clusterchat.core.testsupport.MariaDbDatabase;
import dev.clusterchat.core.testsupport.TestServer;
import dev.clusterchat.core.testsupport.TrickyText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names, passwords, group names and descriptions and messages full of quotes, backslashes, SQL,
 * 4-byte UTF-8, combining marks, RTL text and NUL, end to end over the wire on every store:
 * register, login, live and offline chat, groups and the login lists give back exactly what was
 * sent. Text the protocol refuses is refused with errno 4, never stored altered.
 */
@Timeout(120)
class TextRoundTripTest {
    enum Backend { MEMORY, H2, MARIADB }

    @TempDir
    Path dataDir;
    private MariaDbDatabase db;
    private TestServer server;

    private void start(Backend backend) {
        ChatStore store = switch (backend) {
            case MEMORY -> new MemoryStore();
            case H2 -> JdbcStore.embedded(dataDir);
            case MARIADB -> {
                db = MariaDbDatabase.create();
                yield JdbcStore.open(db.url(), MariaDbDatabase.USER, MariaDbDatabase.PASSWORD, 4);
            }
        };
        // every client is 127.0.0.1 and each text tries two wrong passwords: no limit per address
        server = TestServer.start(store, c -> c.withAbuseLimits(c.abuse().withLoginFailures(
                c.abuse().loginFailuresPerUser(), 0, c.abuse().loginFailureWindow())));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private ChatClient client() {
        return server.client();
    }

    private record Sender(long id, String name, String password, ChatClient c) {
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void trickyTextRoundTripsThroughEveryFeature(Backend backend) {
        start(backend);
        ChatClient rc = client();
        long receiver = rc.register("receiver", "pw");
        ChatClient oc = client();
        long offline = oc.register("offline box", "pw");
        assertThat(errno(rc.login(receiver, "pw"))).isZero();

        List<String> texts = TrickyText.ALL.stream().filter(t -> !t.isEmpty()).toList();
        List<Sender> senders = new ArrayList<>();
        List<String> groupNames = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            ChatClient c = client();
            String name = TrickyText.validName(t) ? t : "user " + i;
            if (!TrickyText.validName(t)) {
                JsonObject refused = c.request(json("msgid", 4, "name", t, "password", t), MsgId.REG_ACK);
                assertThat(errno(refused)).as("name %s", t).isEqualTo(Errno.INVALID_REQUEST.code());
                assertThat(refused.get("errmsg").getAsString()).contains("'name'");
            }
            long id = c.register(name, t);
            assertThat(errno(c.login(id, t + "x"))).as("a longer password").isEqualTo(Errno.AUTH_FAILED.code());
            if (t.codePointCount(0, t.length()) > 1) {
                String shorter = t.substring(0, t.offsetByCodePoints(t.length(), -1));
                assertThat(errno(c.login(id, shorter))).as("a shorter password").isEqualTo(Errno.AUTH_FAILED.code());
            }
            JsonObject login = c.login(id, t);
            assertThat(errno(login)).as("login with password %s", t).isZero();
            assertThat(login.get("name").getAsString()).isEqualTo(name);
            senders.add(new Sender(id, name, t, c));

            JsonObject live = c.request(json("msgid", 6, "toid", receiver, "msg", t, "time", t), MsgId.ONE_CHAT_ACK);
            assertThat(errno(live)).as(live.toString()).isZero();
            JsonObject got = rc.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT);
            assertThat(got.get("msg").getAsString()).isEqualTo(t);
            assertThat(got.get("time").getAsString()).isEqualTo(t);
            assertThat(got.get("name").getAsString()).isEqualTo(name);
            assertThat(errno(c.request(json("msgid", 6, "toid", offline, "msg", t), MsgId.ONE_CHAT_ACK))).isZero();

            String groupName = TrickyText.validName(t) ? t : "group " + i;
            groupNames.add(groupName);
            JsonObject created = c.request(json("msgid", 8, "groupname", groupName, "groupdesc", t), MsgId.CREATE_GROUP_ACK);
            assertThat(errno(created)).as(created.toString()).isZero();
            assertThat(created.get("groupname").getAsString()).isEqualTo(groupName);
            long group = created.get("groupid").getAsLong();
            JsonObject joined = rc.request(json("msgid", 9, "groupid", group), MsgId.ADD_GROUP_ACK);
            assertThat(joined.get("groupname").getAsString()).isEqualTo(groupName);
            assertThat(errno(c.request(json("msgid", 10, "groupid", group, "msg", t), MsgId.GROUP_CHAT_ACK))).isZero();
            assertThat(rc.next(o -> o.get("msgid").getAsInt() == MsgId.GROUP_CHAT).get("msg").getAsString()).isEqualTo(t);
            JsonObject friend = c.request(json("msgid", 7, "friendid", receiver), MsgId.ADD_FRIEND_ACK);
            assertThat(errno(friend)).isZero();
        }

        JsonArray stored = oc.login(offline, "pw").getAsJsonArray("offlinemsg");
        assertThat(stored).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonObject m = stored.get(i).getAsJsonObject();
            assertThat(m.get("msg").getAsString()).isEqualTo(texts.get(i));
            assertThat(m.get("name").getAsString()).isEqualTo(senders.get(i).name());
        }

        rc.request("{\"msgid\":3}", MsgId.LOGOUT_ACK);
        JsonObject again = rc.login(receiver, "pw");
        JsonArray friends = again.getAsJsonArray("friends");
        JsonArray groups = again.getAsJsonArray("groups");
        assertThat(friends).hasSize(texts.size());
        assertThat(groups).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(friends.get(i).getAsJsonObject().get("name").getAsString()).isEqualTo(senders.get(i).name());
            JsonObject g = groups.get(i).getAsJsonObject();
            assertThat(g.get("groupname").getAsString()).isEqualTo(groupNames.get(i));
            assertThat(g.get("groupdesc").getAsString()).isEqualTo(texts.get(i));
            JsonArray users = g.getAsJsonArray("users");
            assertThat(users).hasSize(2);
            JsonObject creator = users.get(users.get(0).getAsJsonObject().get("id").getAsLong() == receiver ? 1 : 0)
                    .getAsJsonObject();
            assertThat(creator.get("name").getAsString()).isEqualTo(senders.get(i).name());
            assertThat(creator.get("role").getAsString()).isEqualTo("creator");
        }
    }

    /** A raw NUL byte ends a legacy frame, so NUL inside text must travel as the JSON escape \u0000, both ways. */
    @Test
    void nulInsideTextIsEscapedOnTheWireForTheLegacyDialect() {
        start(Backend.MEMORY);
        ChatClient modern = client();
        long sender = modern.register("sender", "pw");
        modern.login(sender, "pw");
        ChatClient old = server.legacyClient();
        old.send("{\"msgid\":4,\"name\":\"seed user\",\"password\":\"a\\u0000b\"}");
        long id = JsonParser.parseString(old.readFrame()).getAsJsonObject().get("id").getAsLong();
        old.send("{\"msgid\":1,\"id\":" + id + ",\"password\":\"a\"}");
        assertThat(errno(JsonParser.parseString(old.readFrame()).getAsJsonObject()))
                .as("the password ends at the NUL for nobody").isEqualTo(Errno.AUTH_FAILED.code());
        String text = "before\u0000after\nnext line";
        modern.request(json("msgid", 6, "toid", id, "msg", text), MsgId.ONE_CHAT_ACK); // stored: the user is offline
        old.send("{\"msgid\":1,\"id\":" + id + ",\"password\":\"a\\u0000b\"}");
        String loginFrame = old.readFrame();
        assertThat(old.lastTerminator()).isEqualTo((byte) 0);
        JsonObject login = JsonParser.parseString(loginFrame).getAsJsonObject();
        assertThat(errno(login)).isZero();
        JsonObject offlineMessage = JsonParser.parseString(login.getAsJsonArray("offlinemsg").get(0).getAsString())
                .getAsJsonObject();
        assertThat(offlineMessage.get("msg").getAsString()).isEqualTo(text);

        modern.request(json("msgid", 6, "toid", id, "msg", text), MsgId.ONE_CHAT_ACK);
        String liveFrame = old.readFrame();
        assertThat(old.lastTerminator()).isEqualTo((byte) 0);
        assertThat(liveFrame).contains("before\\u0000after\\nnext line").doesNotContain("\u0000").doesNotContain("\n");
        assertThat(JsonParser.parseString(liveFrame).getAsJsonObject().get("msg").getAsString()).isEqualTo(text);

        // and the other way: the legacy client escapes NUL in its JSON, the modern peer gets the character
        old.send("{\"msgid\":6,\"toid\":" + sender + ",\"msg\":\"x\\u0000y\"}");
        assertThat(modern.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT).get("msg").getAsString())
                .isEqualTo("x\u0000y");
    }

    /**
     * An escaped unpaired surrogate (\ud800) is valid JSON but no Unicode text: UTF-8 cannot carry it
     * and the password hash would take it as '?'. Every text field refuses it by name; a proper
     * escaped pair is one character like any other.
     */
    @Test
    void unpairedSurrogatesAreRefusedByName() {
        start(Backend.MEMORY);
        ChatClient c = client();
        String lone = "a\\ud800b";
        assertRefused(c.request("{\"msgid\":4,\"name\":\"" + lone + "\",\"password\":\"pw\"}", MsgId.REG_ACK), "name");
        assertRefused(c.request("{\"msgid\":4,\"name\":\"n\",\"password\":\"" + lone + "\"}", MsgId.REG_ACK), "password");
        assertRefused(c.request("{\"msgid\":4,\"name\":\"n\",\"password\":\"\\udc00\"}", MsgId.REG_ACK), "password");
        long id = c.register("n", "?");
        assertRefused(c.request("{\"msgid\":1,\"id\":" + id + ",\"password\":\"\\ud800\"}", MsgId.LOGIN_ACK), "password");
        assertThat(errno(c.login(id, "?"))).isZero();
        assertRefused(c.request("{\"msgid\":6,\"toid\":" + id + ",\"msg\":\"" + lone + "\"}", MsgId.ONE_CHAT_ACK), "msg");
        assertRefused(c.request("{\"msgid\":6,\"toid\":" + id + ",\"msg\":\"m\",\"time\":\"" + lone + "\"}",
                MsgId.ONE_CHAT_ACK), "time");
        assertRefused(c.request("{\"msgid\":8,\"groupname\":\"" + lone + "\"}", MsgId.CREATE_GROUP_ACK), "groupname");
        assertRefused(c.request("{\"msgid\":8,\"groupname\":\"g\",\"groupdesc\":\"\\udfff\\ud800\"}",
                MsgId.CREATE_GROUP_ACK), "groupdesc");
        assertRefused(c.request("{\"msgid\":10,\"groupid\":1,\"msg\":\"" + lone + "\"}", MsgId.GROUP_CHAT_ACK), "msg");
        assertThat(c.quietFor(100)).as("nothing was delivered").isTrue();

        assertThat(errno(c.request("{\"msgid\":6,\"toid\":" + id + ",\"msg\":\"\\ud83d\\ude00\"}", MsgId.ONE_CHAT_ACK))).isZero();
        JsonObject got = c.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT);
        assertThat(got.get("msg").getAsString()).isEqualTo("😀");
    }

    private static void assertRefused(JsonObject reply, String field) {
        assertThat(errno(reply)).as(reply.toString()).isEqualTo(Errno.INVALID_REQUEST.code());
        assertThat(reply.get("errmsg").getAsString()).contains("'" + field + "'");
    }

    private static int errno(JsonObject o) {
        return o.get("errno").getAsInt();
    }

    /** A request from key/value pairs, escaped by Gson. */
    private static String json(Object... pairs) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < pairs.length; i += 2) {
            Object v = pairs[i + 1];
            if (v instanceof Number n) {
                o.addProperty((String) pairs[i], n);
            } else {
                o.addProperty((String) pairs[i], (String) v);
            }
        }
        return o.toString();
    }
}
