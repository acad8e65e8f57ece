package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.chatctl.TestServer.User;
import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** shell driven by scripted stdin. */
@Timeout(60)
class ShellCommandTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static Cli.Result shell(String script, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "shell";
        all[1] = "--port";
        all[2] = server.portArg();
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(script, Map.of(), all);
    }

    private static ChatClient online(User u) {
        ChatClient c = ChatClient.connect(server.port());
        JsonObject r = c.request("{\"msgid\":1,\"id\":" + u.id() + ",\"password\":\"" + u.password() + "\"}", 2);
        assertThat(r.get("errno").getAsInt()).isZero();
        return c;
    }

    @Test
    void scriptedSessionWithTheSeedCommands() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        try (ChatClient bobLive = online(bob)) {
            Cli.Result r = shell("help\n"
                            + "addfriend:" + bob.id() + "\n"
                            + "creategroup:team" + alice.id() + ":the: team\n"
                            + "chat:" + bob.id() + ":hi bob: how are you\n"
                            + "loginout\n"
                            + "quit\n"
                            + "chat:" + bob.id() + ":never sent\n",
                    "--id", alice.idArg(), "--password", alice.password());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).startsWith("logged in as " + alice.name())
                    .contains("chat:friendid:message", "creategroup:groupname:groupdesc", "loginout")
                    .contains("added friend " + bob.id() + " " + bob.name() + " (online)\n")
                    .containsPattern("created group \\d+ team" + alice.id() + "\n")
                    .containsPattern("sent to " + bob.id() + ": msgno \\d+, useq \\d+, stored .*\n")
                    .endsWith("logged out\n");
            JsonObject m = bobLive.next(o -> o.get("msgid").getAsInt() == 6);
            assertThat(m.get("msg").getAsString()).isEqualTo("hi bob: how are you");
            assertThat(bobLive.quietFor(200)).as("nothing after quit is run").isTrue();
        }
    }

    @Test
    void loginInTheShellThenGroupChat() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        Cli.Result created = server.run("creategroup", "--id", alice.idArg(), "--password", alice.password(), "g" + alice.id());
        Matcher g = Pattern.compile("created group (\\d+)").matcher(created.out());
        assertThat(g.find()).isTrue();
        try (ChatClient bobLive = online(bob)) {
            bobLive.request("{\"msgid\":9,\"groupid\":" + g.group(1) + "}", 15);
            Cli.Result r = shell("login:" + alice.id() + ":" + alice.password() + "\n"
                    + "groupchat:" + g.group(1) + ":hello: group\n");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("connected to 127.0.0.1:" + server.port())
                    .contains("logged in as " + alice.name())
                    .containsPattern("sent to group " + g.group(1) + " \\(1 recipients\\): msgno \\d+, gseq 1, stored "
                            + OneShotCommandsTest.STIME + "\n$");
            JsonObject m = bobLive.next(o -> o.get("msgid").getAsInt() == 10);
            assertThat(m.get("msg").getAsString()).isEqualTo("hello: group");
        }
    }

    @Test
    void failuresPrintOneLineEachAndTheShellGoesOn() {
        User alice = server.register("alice");
        Cli.Result r = shell("chat:999999:hi\nbogus\nchat:x:hi\naddgroup\nchat:" + alice.id() + "\n"
                + "register:" + alice.name() + ":pw\nsync\nhistory\nhistory:1:2:3\ngrouphistory:999999\nsync:x\nquit\n",
                "--id", alice.idArg(), "--password", alice.password());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).containsExactly(
                "chatctl: chat failed: no user with id 999999 (errno 6)",
                "chatctl: unknown command 'bogus'; type help",
                "chatctl: friendid must be a positive integer: 'x'",
                "chatctl: usage: addgroup:groupid",
                "chatctl: usage: chat:friendid:message",
                "chatctl: register failed: name '" + alice.name() + "' is already taken (errno 3)",
                "chatctl: sync needs an acknowledging login: start the shell with --ack",
                "chatctl: usage: history:userid[:before]",
                "chatctl: usage: history:userid[:before]",
                "chatctl: history failed: no group with id 999999 (errno 7)",
                "chatctl: usage: sync or sync:all");
    }

    @Test
    void wrongInitialLoginExits1() {
        User alice = server.register("alice");
        Cli.Result r = shell("quit\n", "--id", alice.idArg(), "--password", "nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("chatctl: login failed: id or password is invalid! (errno 1)\n");
    }

    @Test
    void jsonPrintsOnlyFrames() {
        User alice = server.register("alice");
        Cli.Result r = shell("help\naddfriend:" + alice.id() + "\nregister:x" + alice.name() + ":pw\n", "--json");
        assertThat(r.exit()).as("adding oneself fails before login").isEqualTo(1);
        assertThat(r.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject().get("msgid").getAsInt()))
                .containsExactly(13, 5);
        assertThat(r.err()).contains("chat:friendid:message", "not logged in (errno 5)");
    }

    @Test
    void incomingMessagesPrintWhileThePromptWaits() throws Exception {
        User alice = server.register("alice");
        User bob = server.register("bob");
        PipedOutputStream stdin = new PipedOutputStream();
        Cli.Running shell = Cli.start(new PipedInputStream(stdin), "shell", "--port", server.portArg(),
                "--id", bob.idArg(), "--password", bob.password());
        try (OutputStream in = stdin) {
            shell.out().awaitContains("logged in as " + bob.name(), Cli.WAIT);
            assertThat(server.run("chat", "--id", alice.idArg(), "--password", alice.password(),
                    "--to", bob.idArg(), "ping you").exit()).isZero();
            shell.out().awaitContains(alice.name() + "(" + alice.id() + ") -> you: ping you\n", Cli.WAIT);
            in.write(("chat:" + alice.id() + ":pong you\nquit\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(shell.awaitExit()).isZero();
        }
        assertThat(shell.out().text()).containsPattern("sent to " + alice.id() + ": msgno \\d+, useq 1, stored .*\n$");
    }

    @Test
    void withAckTheShellSyncsAtLoginAndAcknowledgesWhatItShows() throws Exception {
        User alice = server.register("alice");
        User bob = server.register("bob");
        assertThat(server.run("chat", "--id", alice.idArg(), "--password", alice.password(),
                "--to", bob.idArg(), "while away").exit()).isZero();
        PipedOutputStream stdin = new PipedOutputStream();
        Cli.Running shell = Cli.start(new PipedInputStream(stdin), "shell", "--ack", "--port", server.portArg(),
                "--id", bob.idArg(), "--password", bob.password());
        String from = alice.name() + "(" + alice.id() + ") -> you: ";
        try (OutputStream in = stdin) {
            shell.out().awaitContains("synced 1 message, at useq 1\n", Cli.WAIT);
            assertThat(shell.out().text()).contains("acknowledged: useq 0\n", from + "while away\n")
                    .doesNotContain("offline messages");
            assertThat(server.run("chat", "--id", alice.idArg(), "--password", alice.password(),
                    "--to", bob.idArg(), "live").exit()).isZero();
            shell.out().awaitContains(from + "live\n", Cli.WAIT);
            in.write(("sync\nhistory:" + alice.id() + "\nchat:" + alice.id() + ":back\nhistory:" + alice.id()
                    + ":999999999\nquit\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(shell.awaitExit()).as(shell.err().text()).isZero();
        }
        List<String> lines = shell.out().lines();
        int synced = lines.indexOf("synced 0 messages, at useq 2");
        assertThat(synced).as("a second sync has nothing new: " + lines).isPositive();
        assertThat(lines.subList(synced + 1, synced + 3)).allMatch(l -> l.startsWith("[")).satisfiesExactly(
                l -> assertThat(l).endsWith(from + "live"), l -> assertThat(l).endsWith(from + "while away"));
        assertThat(lines.get(synced + 3)).startsWith("sent to " + alice.id() + ": msgno ");
        assertThat(lines.subList(synced + 4, lines.size())).hasSize(3)
                .satisfiesExactly(l -> assertThat(l).endsWith("] you -> " + alice.id() + ": back"),
                        l -> assertThat(l).endsWith(from + "live"), l -> assertThat(l).endsWith(from + "while away"));

        Cli.Result after = server.run("sync", "--id", bob.idArg(), "--password", bob.password());
        assertThat(after.out()).as("the shell acknowledged what it showed, the live message too").isEmpty();
    }
}
