package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.chatctl.TestServer.User;
import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** register, login, addfriend, creategroup, addgroup, chat, groupchat, logout against an in-process server. */
@Timeout(60)
class OneShotCommandsTest {
    /** The server's storing time, as chat and groupchat print it. */
    static final String STIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

    @RegisterExtension
    static final TestServer server = new TestServer();

    private static Cli.Result as(User u, String command, String... args) {
        return server.as(u, command, args);
    }

    private static long createGroup(User u, String name) {
        Cli.Result r = as(u, "creategroup", name, "the team");
        assertThat(r.exit()).as(r.err()).isZero();
        Matcher m = Pattern.compile("created group (\\d+) " + name).matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void socialFlowWithALiveReceiver() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        try (ChatClient bobLive = ChatClient.connect(server.port())) {
            JsonObject login = bobLive.request("{\"msgid\":1,\"id\":" + bob.id() + ",\"password\":\"" + bob.password() + "\"}", 2);
            assertThat(login.get("errno").getAsInt()).isZero();

            Cli.Result friend = as(alice, "addfriend", bob.idArg());
            assertThat(friend.exit()).as(friend.err()).isZero();
            assertThat(friend.out()).isEqualTo("added friend " + bob.id() + " " + bob.name() + " (online)\n");

            long group = createGroup(alice, "devs" + alice.id());
            Cli.Result join = as(bob, "addgroup", Long.toString(group));
            assertThat(join.exit()).as("bob is online elsewhere: " + join.err()).isEqualTo(1);
            assertThat(join.err()).isEqualTo("chatctl: login failed: this account is using, input another! (errno 2)\n");
            bobLive.request("{\"msgid\":9,\"groupid\":" + group + "}", 15);

            Cli.Result chat = as(alice, "chat", "--to", bob.idArg(), "hello", "bob:", "one");
            assertThat(chat.exit()).as(chat.err()).isZero();
            assertThat(chat.out()).matches("sent to " + bob.id() + ": msgno \\d+, useq 1, stored " + STIME + "\n");
            JsonObject m = bobLive.next(o -> o.get("msgid").getAsInt() == 6);
            assertThat(m.get("id").getAsLong()).isEqualTo(alice.id());
            assertThat(m.get("name").getAsString()).isEqualTo(alice.name());
            assertThat(m.get("msg").getAsString()).isEqualTo("hello bob: one");

            Cli.Result gchat = as(alice, "groupchat", Long.toString(group), "hi", "team");
            assertThat(gchat.exit()).as(gchat.err()).isZero();
            assertThat(gchat.out()).matches("sent to group " + group + " \\(1 recipients\\): msgno \\d+, gseq 1, stored "
                    + STIME + "\n");
            JsonObject g = bobLive.next(o -> o.get("msgid").getAsInt() == 10);
            assertThat(g.get("groupid").getAsLong()).isEqualTo(group);
            assertThat(g.get("msg").getAsString()).isEqualTo("hi team");
        }

        Cli.Result login = as(bob, "login");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).startsWith("logged in as " + bob.name() + " (id " + bob.id() + ")\n")
                .contains("friends:\n  " + alice.id() + " " + alice.name() + " [offline]\n")
                .contains("  " + alice.id() + " " + alice.name() + " [offline] creator\n")
                .contains("  " + bob.id() + " " + bob.name() + " [online] normal\n")
                .endsWith("offline messages: none\n");

        Cli.Result logout = as(bob, "logout");
        assertThat(logout.exit()).isZero();
        assertThat(logout.out()).isEqualTo("logged out\n");
    }

    @Test
    void offlineMessagesArePrintedByTheNextLogin() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        assertThat(as(alice, "chat", "--to", bob.idArg(), "while you were out").exit()).isZero();
        Cli.Result login = as(bob, "login");
        assertThat(login.out()).containsPattern("offline messages:\n  \\[[-0-9 :]+] " + alice.name()
                + "\\(" + alice.id() + "\\) -> you: while you were out\n");
        assertThat(as(bob, "login").out()).endsWith("offline messages: none\n");

        assertThat(as(alice, "chat", "--to", bob.idArg(), "again").exit()).isZero();
        Cli.Result addfriend = as(bob, "addfriend", alice.idArg());
        assertThat(addfriend.out()).as("a one-shot prints what its login took off the server")
                .containsPattern("(?m)^\\[.*] " + alice.name() + "\\(" + alice.id() + "\\) -> you: again$")
                .endsWith("added friend " + alice.id() + " " + alice.name() + " (offline)\n");
    }

    @Test
    void aResendWithTheSameCmidIsStoredOnceAndSaysDup() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        Cli.Result first = as(alice, "chat", "--to", bob.idArg(), "--cmid", "retry-1", "only once");
        assertThat(first.exit()).as(first.err()).isZero();
        Matcher stored = Pattern.compile("msgno (\\d+), useq 1, stored").matcher(first.out());
        assertThat(stored.find()).as(first.out()).isTrue();
        Cli.Result again = as(alice, "chat", "--to", bob.idArg(), "--cmid", "retry-1", "only once");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).as("the first send's place, marked as a resend")
                .matches("sent to " + bob.id() + ": msgno " + stored.group(1) + ", useq 1, stored " + STIME
                        + " \\(dup: this cmid was stored before, not again\\)\n");
        Cli.Result other = as(alice, "chat", "--to", bob.idArg(), "second");
        assertThat(other.out()).as("without --cmid each send gets a new key").contains(": msgno ", "useq 2,");

        Cli.Result synced = as(bob, "sync");
        assertThat(synced.out().lines()).extracting(l -> l.replaceAll("^\\[.*] ", ""))
                .containsExactly(alice.name() + "(" + alice.id() + ") -> you: only once",
                        alice.name() + "(" + alice.id() + ") -> you: second");

        long group = server.group(alice, bob);
        Cli.Result g1 = as(alice, "groupchat", "--cmid", "g-1", Long.toString(group), "hi");
        Cli.Result g2 = as(alice, "groupchat", "--cmid", "g-1", Long.toString(group), "hi");
        assertThat(g1.out()).doesNotContain("dup");
        assertThat(g2.out()).endsWith("(dup: this cmid was stored before, not again)\n")
                .startsWith(g1.out().substring(0, g1.out().indexOf(", stored")));
    }

    @Test
    void jsonChatPrintsTheReplyFields() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        Cli.Result r = as(alice, "chat", "--json", "--to", bob.idArg(), "--cmid", "j-1", "hi");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonObject> frames = r.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        JsonObject reply = frames.get(frames.size() - 1);
        assertThat(reply.get("msgid").getAsInt()).isEqualTo(12);
        assertThat(reply.get("msgno").getAsLong()).isPositive();
        assertThat(reply.get("useq").getAsLong()).isEqualTo(1);
        assertThat(reply.get("stime").getAsLong()).isPositive();
        assertThat(reply.get("cmid").getAsString()).isEqualTo("j-1");
        JsonObject dup = JsonParser.parseString(as(alice, "chat", "--json", "--to", bob.idArg(), "--cmid", "j-1", "hi")
                .out().lines().reduce((a, b) -> b).orElseThrow()).getAsJsonObject();
        assertThat(dup.get("dup").getAsBoolean()).isTrue();
        assertThat(dup.get("msgno")).isEqualTo(reply.get("msgno"));
    }

    @Test
    void errorRepliesExit1WithOneLine() {
        User alice = server.register("alice");
        Cli.Result wrong = server.run("login", "--id", alice.idArg(), "--password", "nope");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.out()).isEmpty();
        assertThat(wrong.err()).isEqualTo("chatctl: login failed: id or password is invalid! (errno 1)\n");

        Cli.Result nobody = as(alice, "chat", "--to", "999999", "hi");
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).isEqualTo("chatctl: chat failed: no user with id 999999 (errno 6)\n");

        Cli.Result taken = server.run("register", "--name", alice.name(), "--password", "x");
        assertThat(taken.exit()).isEqualTo(1);
        assertThat(taken.err()).isEqualTo("chatctl: register failed: name '" + alice.name() + "' is already taken (errno 3)\n");

        Cli.Result noGroup = as(alice, "groupchat", "999999", "hi");
        assertThat(noGroup.err()).isEqualTo("chatctl: groupchat failed: no group with id 999999 (errno 7)\n");
    }

    @Test
    void passwordFromTheEnvironment() {
        User alice = server.register("alice");
        Cli.Result r = Cli.run("", Map.of("CHATCTL_PASSWORD", alice.password()),
                "login", "--port", server.portArg(), "--id", alice.idArg());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("logged in as " + alice.name());
    }

    @Test
    void jsonPrintsEveryFrameAsOneJsonLine() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        Cli.Result r = Cli.run("--json", "--port", server.portArg(), "chat", "--id", alice.idArg(),
                "--password", alice.password(), "--to", bob.idArg(), "hi");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonObject> frames = r.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertThat(frames).extracting(f -> f.get("msgid").getAsInt()).containsExactly(2, 12);
        assertThat(frames).allSatisfy(f -> assertThat(f.get("errno").getAsInt()).isZero());

        Cli.Result reg = server.run("register", "--json", "--name", "json" + alice.name(), "--password", "x");
        JsonObject reply = JsonParser.parseString(reg.out()).getAsJsonObject();
        assertThat(reply.get("msgid").getAsInt()).isEqualTo(5);
        assertThat(reply.get("id").getAsLong()).isPositive();

        Cli.Result wrong = server.run("login", "--json", "--id", alice.idArg(), "--password", "nope");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(JsonParser.parseString(wrong.out()).getAsJsonObject().get("errno").getAsInt()).isEqualTo(1);
        assertThat(wrong.err()).isEqualTo("chatctl: login failed: id or password is invalid! (errno 1)\n");
    }
}
