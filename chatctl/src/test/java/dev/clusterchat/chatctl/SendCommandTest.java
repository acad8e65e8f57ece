package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.chatctl.TestServer.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** send: raw frames, seq matching, error replies. */
@Timeout(60)
class SendCommandTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static List<JsonObject> frames(String out) {
        return out.lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }

    @Test
    void pingGetsPongWithTheAddedSeq() {
        Cli.Result r = server.run("send", "{\"msgid\":18}");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject pong = frames(r.out()).get(0);
        assertThat(pong.get("msgid").getAsInt()).isEqualTo(19);
        assertThat(pong.get("errno").getAsInt()).isZero();
        assertThat(pong.has("seq")).isTrue();
    }

    @Test
    void aSeqOfTheCallersIsKeptAndMatched() {
        Cli.Result r = server.run("send", "{\"msgid\":18,\"seq\":\"abc\"}");
        assertThat(r.exit()).isZero();
        assertThat(frames(r.out()).get(0).get("seq").getAsString()).isEqualTo("abc");
    }

    @Test
    void unknownMsgidPrintsTheErrorReplyAndExits1() {
        Cli.Result r = server.run("send", "{\"msgid\":99}");
        assertThat(r.exit()).isEqualTo(1);
        JsonObject error = frames(r.out()).get(0);
        assertThat(error.get("msgid").getAsInt()).isEqualTo(17);
        assertThat(error.get("errno").getAsInt()).isEqualTo(10);
        assertThat(r.err()).isEqualTo("chatctl: send failed: unknown msgid 99 (errno 10)\n");
    }

    @Test
    void requestsThatNeedLoginFailWithoutOne() {
        Cli.Result r = server.run("send", "{\"msgid\":6,\"toid\":1,\"msg\":\"hi\"}");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("chatctl: send failed: not logged in (errno 5)\n");
    }

    @Test
    void afterLoginAndCounted() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        Cli.Result r = server.run("send", "--id", alice.idArg(), "--password", alice.password(), "--count", "3",
                "{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"hi\"}");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonObject> replies = frames(r.out());
        assertThat(replies).as("the login reply is not printed without --json").hasSize(3)
                .allSatisfy(f -> assertThat(f.get("msgid").getAsInt()).isEqualTo(12));
        assertThat(replies).extracting(f -> f.get("seq").getAsString()).doesNotHaveDuplicates();

        Cli.Result json = server.run("send", "--json", "--id", alice.idArg(), "--password", alice.password(),
                "{\"msgid\":18}");
        assertThat(frames(json.out())).extracting(f -> f.get("msgid").getAsInt()).containsExactly(2, 19);
    }

    @Test
    void waitKeepsPrintingWhatArrives() {
        User bob = server.register("bob");
        User alice = server.register("alice");
        // bob's offline message comes inside the login reply; --wait with nothing else arriving simply ends
        assertThat(server.run("chat", "--id", alice.idArg(), "--password", alice.password(),
                "--to", bob.idArg(), "stored").exit()).isZero();
        Cli.Result r = server.run("send", "--json", "--wait", "0.2", "{\"msgid\":1,\"id\":" + bob.id()
                + ",\"password\":\"" + bob.password() + "\"}");
        assertThat(r.exit()).isZero();
        JsonObject login = frames(r.out()).get(0);
        assertThat(login.getAsJsonArray("offlinemsg")).hasSize(1);
    }
}
