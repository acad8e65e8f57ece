package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.chatctl.TestServer.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** history: a conversation and a group, newest first, paging with --before, --pages and --all, --json. */
@Timeout(60)
class HistoryCommandTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    /** The last word of each line (the tests' messages are one word each), once the command succeeded. */
    private static List<String> words(Cli.Result r) {
        assertThat(r.exit()).as(r.err()).isZero();
        return r.lastWords();
    }

    /** alice and bob with m1 (bob to alice), m2..m6 (alice to bob), oldest first. */
    private static User[] conversation() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        assertThat(server.as(bob, "chat", "--to", alice.idArg(), "m1").exit()).isZero();
        for (int i = 2; i <= 6; i++) {
            assertThat(server.as(alice, "chat", "--to", bob.idArg(), "m" + i).exit()).isZero();
        }
        return new User[] {alice, bob};
    }

    @Test
    void pagesGoBackWithBeforeAndStopAtTheOldest() {
        User[] u = conversation();
        User alice = u[0];
        User bob = u[1];
        Cli.Result first = server.as(bob, "history", "--peer", alice.idArg(), "--limit", "2");
        assertThat(words(first)).containsExactly("m6", "m5");
        Matcher next = Pattern.compile("more before msgno (\\d+): add --before (\\d+)\n").matcher(first.err());
        assertThat(next.matches()).as(first.err()).isTrue();

        Cli.Result second = server.as(bob, "history", "--peer", alice.idArg(), "--limit", "2", "--before", next.group(1));
        assertThat(words(second)).containsExactly("m4", "m3");
        Cli.Result rest = server.as(bob, "history", "--peer", alice.idArg(), "--limit", "2", "--pages", "5",
                "--before", next.group(1));
        assertThat(words(rest)).containsExactly("m4", "m3", "m2", "m1");
        assertThat(rest.err()).as("nothing more to ask for").isEmpty();

        Cli.Result two = server.as(bob, "history", "--peer", alice.idArg(), "--limit", "3", "--pages", "2");
        assertThat(words(two)).containsExactly("m6", "m5", "m4", "m3", "m2", "m1");
        assertThat(two.err()).as("the second page was the last").isEmpty();

        Cli.Result all = server.as(bob, "history", "--peer", alice.idArg(), "--limit", "4", "--all");
        assertThat(words(all)).containsExactly("m6", "m5", "m4", "m3", "m2", "m1");
        assertThat(all.out().lines().toList().get(5)).matches("\\[[-0-9 :]+] you -> " + alice.id() + ": m1");
        assertThat(all.out().lines().toList().get(0))
                .matches("\\[[-0-9 :]+] " + alice.name() + "\\(" + alice.id() + "\\) -> you: m6");
    }

    @Test
    void historyTakesNothingOffTheServer() {
        User[] u = conversation();
        assertThat(words(server.as(u[1], "history", "--peer", u[0].idArg()))).hasSize(6);
        Cli.Result sync = server.as(u[1], "sync");
        assertThat(words(sync)).as("bob's messages are still undelivered").containsExactly("m2", "m3", "m4", "m5", "m6");
    }

    @Test
    void groupHistoryAsJsonIncludesOwnMessages() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        long group = server.group(alice, bob);
        List<Long> msgnos = new ArrayList<>();
        for (User from : List.of(alice, bob, alice)) {
            Cli.Result sent = server.as(from, "groupchat", "--json", Long.toString(group), "from-" + from.name());
            String reply = sent.out().lines().reduce((a, b) -> b).orElseThrow();
            msgnos.add(JsonParser.parseString(reply).getAsJsonObject().get("msgno").getAsLong());
        }
        Cli.Result r = server.as(bob, "history", "--group", Long.toString(group), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonObject> messages = r.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertThat(messages).extracting(m -> m.get("msg").getAsString())
                .containsExactly("from-" + alice.name(), "from-" + bob.name(), "from-" + alice.name());
        Collections.reverse(msgnos);
        assertThat(messages).extracting(m -> m.get("msgno").getAsLong()).containsExactlyElementsOf(msgnos);
        assertThat(messages).extracting(m -> m.get("gseq").getAsLong()).containsExactly(3L, 2L, 1L);
        assertThat(messages).allSatisfy(m -> assertThat(m.get("msgid").getAsInt()).isEqualTo(10));
    }

    @Test
    void errorsExit1WithOneLine() {
        User alice = server.register("alice");
        User bob = server.register("bob");
        long group = server.group(alice);
        Cli.Result notMember = server.as(bob, "history", "--group", Long.toString(group));
        assertThat(notMember.exit()).isEqualTo(1);
        assertThat(notMember.err()).isEqualTo("chatctl: history failed: you are not a member of group " + group
                + " (errno 8)\n");
        Cli.Result nobody = server.as(bob, "history", "--peer", "999999");
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).isEqualTo("chatctl: history failed: no user with id 999999 (errno 6)\n");
        Cli.Result empty = server.as(bob, "history", "--peer", alice.idArg());
        assertThat(empty.exit()).isZero();
        assertThat(empty.out() + empty.err()).isEmpty();
    }
}
