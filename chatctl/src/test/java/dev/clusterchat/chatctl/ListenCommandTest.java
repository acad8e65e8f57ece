package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.chatctl.TestServer.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** listen: live and offline messages, --json, --count, and the server going away. */
@Timeout(60)
class ListenCommandTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static Cli.Running listen(TestServer s, User u, String... more) {
        List<String> args = new ArrayList<>(List.of("listen", "--port", s.portArg(), "--id", u.idArg(),
                "--password", u.password()));
        args.addAll(List.of(more));
        return Cli.start(args.toArray(String[]::new));
    }

    private static Cli.Result as(User u, String command, String... args) {
        return server.as(u, command, args);
    }

    @Test
    void printsLiveChatAndGroupMessages() throws Exception {
        User alice = server.register("alice");
        User bob = server.register("bob");
        long group = server.group(alice, bob);
        Cli.Running listener = listen(server, bob, "--count", "2");
        listener.err().awaitContains("listening as " + bob.name(), Cli.WAIT);

        assertThat(as(alice, "chat", "--to", bob.idArg(), "hello", "bob").exit()).isZero();
        listener.out().awaitContains("-> you: hello bob", Cli.WAIT);
        assertThat(as(alice, "groupchat", Long.toString(group), "hi", "all").exit()).isZero();

        assertThat(listener.awaitExit()).isZero();
        List<String> lines = listener.out().lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\[[-0-9 :]+] " + alice.name() + "\\(" + alice.id() + "\\) -> you: hello bob");
        assertThat(lines.get(1)).matches("\\[[-0-9 :]+] group " + group + ": " + alice.name() + "\\(" + alice.id() + "\\): hi all");
    }

    @Test
    void offlineMessagesComeFirstAndJsonIsOneObjectPerLine() throws Exception {
        User alice = server.register("alice");
        User bob = server.register("bob");
        assertThat(as(alice, "chat", "--to", bob.idArg(), "first").exit()).isZero();

        Cli.Running listener = listen(server, bob, "--count", "2", "--json");
        listener.err().awaitContains("listening as", Cli.WAIT);
        assertThat(as(alice, "chat", "--to", bob.idArg(), "second").exit()).isZero();

        assertThat(listener.awaitExit()).isZero();
        List<JsonObject> messages = listener.out().lines().stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertThat(messages).extracting(m -> m.get("msg").getAsString()).containsExactly("first", "second");
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.get("msgid").getAsInt()).isEqualTo(6);
            assertThat(m.get("id").getAsLong()).isEqualTo(alice.id());
        });
    }

    @Test
    void exits3WhenTheServerGoesAway() throws Exception {
        TestServer own = new TestServer();
        try {
            User bob = own.register("bob");
            Cli.Running listener = listen(own, bob);
            listener.err().awaitContains("listening as", Cli.WAIT);
            own.close();
            assertThat(listener.awaitExit()).isEqualTo(3);
            assertThat(listener.err().text()).endsWith("chatctl: connection to 127.0.0.1:" + own.port()
                    + " closed by the server\n");
        } finally {
            own.close();
        }
    }

    @Test
    void wrongPasswordExits1() throws Exception {
        User bob = server.register("bob");
        Cli.Running listener = Cli.start("listen", "--port", server.portArg(), "--id", bob.idArg(), "--password", "no");
        assertThat(listener.awaitExit()).isEqualTo(1);
        assertThat(listener.err().text()).isEqualTo("chatctl: login failed: id or password is invalid! (errno 1)\n");
    }
}
