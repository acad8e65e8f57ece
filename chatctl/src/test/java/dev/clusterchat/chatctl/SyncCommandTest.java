package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.chatctl.TestServer.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** sync: messages sent while offline, acknowledgements, positions, paging, --json and --follow. */
@Timeout(60)
class SyncCommandTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    /** alice and bob, both in a new group. */
    private record Two(User alice, User bob, long group) {
        static Two inAGroup() {
            User alice = server.register("alice");
            User bob = server.register("bob");
            return new Two(alice, bob, server.group(alice, bob));
        }

        /** alice sends bob each text as a one-to-one message. */
        void chats(String... texts) {
            for (String text : texts) {
                Cli.Result r = server.as(alice, "chat", "--to", bob.idArg(), text);
                assertThat(r.exit()).as(r.err()).isZero();
            }
        }

        void groupChats(User from, String... texts) {
            for (String text : texts) {
                Cli.Result r = server.as(from, "groupchat", Long.toString(group), text);
                assertThat(r.exit()).as(r.err()).isZero();
            }
        }

        /** How bob's sync shows alice: "name(id)". */
        String alices() {
            return alice.name() + "(" + alice.id() + ")";
        }

        Cli.Result bobSyncs(String... args) {
            return server.as(bob, "sync", args);
        }
    }

    /** The lines without their "[time] " prefix. */
    private static List<String> texts(Cli.Result r) {
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().lines().map(l -> l.replaceFirst("^\\[[-0-9 :]+] ", "")).toList();
    }

    @Test
    void messagesSentWhileOfflineAppearOnceThenAreAcknowledged() {
        Two t = Two.inAGroup();
        t.chats("one");
        t.groupChats(t.alice(), "to the group");
        t.chats("two");

        Cli.Result first = t.bobSyncs();
        assertThat(texts(first)).containsExactly(t.alices() + " -> you: one",
                "group " + t.group() + ": " + t.alices() + ": to the group", t.alices() + " -> you: two");
        assertThat(first.err()).isEqualTo("3 messages, at useq 2, group " + t.group() + " gseq 1 (acknowledged)\n");

        Cli.Result second = t.bobSyncs();
        assertThat(second.exit()).isZero();
        assertThat(second.out()).as("everything was acknowledged").isEmpty();
        assertThat(second.err()).isEqualTo("0 messages, at useq 2, group " + t.group() + " gseq 1 (acknowledged)\n");

        assertThat(server.as(t.bob(), "login").out()).as("a plain login has nothing left either")
                .endsWith("offline messages: none\n");
    }

    @Test
    void noAckPrintsThemAgain() {
        Two t = Two.inAGroup();
        t.chats("keep me");

        Cli.Result first = t.bobSyncs("--no-ack");
        assertThat(texts(first)).containsExactly(t.alices() + " -> you: keep me");
        assertThat(first.err()).isEqualTo("1 message, at useq 1, group " + t.group() + " gseq 0 (not acknowledged)\n");
        assertThat(t.bobSyncs("--no-ack").out()).isEqualTo(first.out());
        assertThat(t.bobSyncs().out()).isEqualTo(first.out());
        assertThat(t.bobSyncs().out()).isEmpty();
    }

    @Test
    void jsonIsOneMessageObjectPerLine() {
        Two t = Two.inAGroup();
        t.chats("a \"quoted\"\nline");
        t.groupChats(t.alice(), "g");

        Cli.Result r = t.bobSyncs("--json");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonObject> messages = r.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertThat(messages).extracting(m -> m.get("msgid").getAsInt()).containsExactly(6, 10);
        assertThat(messages.get(0).get("msg").getAsString()).isEqualTo("a \"quoted\"\nline");
        assertThat(messages.get(0).get("useq").getAsLong()).isEqualTo(1);
        assertThat(messages.get(1).get("gseq").getAsLong()).isEqualTo(1);
        assertThat(messages.get(1).get("groupid").getAsLong()).isEqualTo(t.group());
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.get("msgno").getAsLong()).isPositive();
            assertThat(m.get("stime").getAsLong()).isPositive();
        });
        assertThat(messages.get(0).get("msgno").getAsLong()).isLessThan(messages.get(1).get("msgno").getAsLong());
    }

    @Test
    void smallPagesBringEverythingInOrder() {
        Two t = Two.inAGroup();
        t.chats("m1", "m2", "m3");
        t.groupChats(t.alice(), "g4");
        t.chats("m5", "m6", "m7");
        assertThat(t.bobSyncs("--limit", "2").lastWords()).containsExactly("m1", "m2", "m3", "g4", "m5", "m6", "m7");
        assertThat(t.bobSyncs().out()).isEmpty();
    }

    @Test
    void ownGroupMessagesDoNotStallPaging() {
        Two t = Two.inAGroup();
        t.groupChats(t.bob(), "mine1", "mine2", "mine3");
        t.groupChats(t.alice(), "theirs");
        // from 0, the first page holds only bob's own messages, which the server never sends him
        Cli.Result r = t.bobSyncs("--limit", "2", "--from-gseq", t.group() + "=0");
        assertThat(texts(r)).containsExactly("group " + t.group() + ": " + t.alices() + ": theirs");
        assertThat(r.err()).isEqualTo("1 message, at useq 0, group " + t.group() + " gseq 4 (acknowledged)\n");

        t.groupChats(t.bob(), "mine again");
        Cli.Result onlyOwn = t.bobSyncs("--limit", "1", "--from-gseq", t.group() + "=4");
        assertThat(texts(onlyOwn)).isEmpty();
        assertThat(onlyOwn.err()).isEqualTo("0 messages, at useq 0, group " + t.group() + " gseq 5 (acknowledged)\n");
    }

    @Test
    void positionsFromTheCommandLineAndAll() {
        Two t = Two.inAGroup();
        t.chats("first", "second");
        t.groupChats(t.alice(), "g1", "g2");
        assertThat(t.bobSyncs().exit()).isZero();

        assertThat(t.bobSyncs("--from-useq", "1").lastWords()).containsExactly("second");
        assertThat(t.bobSyncs("--from-gseq", t.group() + "=0", "--from-useq", "2").lastWords())
                .containsExactly("g1", "g2");
        Cli.Result all = t.bobSyncs("--all");
        assertThat(all.lastWords()).containsExactly("first", "second", "g1", "g2");
        assertThat(all.err()).isEqualTo("4 messages, at useq 2, group " + t.group() + " gseq 2 (acknowledged)\n");
        assertThat(t.bobSyncs().out()).as("going back printed; it moved nothing").isEmpty();

        Cli.Result notMine = t.bobSyncs("--from-gseq", "999999=0");
        assertThat(notMine.exit()).isEqualTo(2);
        assertThat(notMine.err()).isEqualTo("chatctl: --from-gseq: you are not a member of group 999999\n");
    }

    @Test
    void followPrintsAndAcknowledgesLiveMessages() throws Exception {
        Two t = Two.inAGroup();
        t.chats("while away");
        Cli.Running follow = Cli.start("sync", "--port", server.portArg(), "--id", t.bob().idArg(),
                "--password", t.bob().password(), "--follow", "--count", "3");
        follow.err().awaitContains("following new messages until Ctrl+C", Cli.WAIT);
        assertThat(follow.out().text()).endsWith("-> you: while away\n");
        t.chats("live one");
        follow.out().awaitContains("-> you: live one\n", Cli.WAIT);
        t.groupChats(t.alice(), "live two");
        assertThat(follow.awaitExit()).isZero();
        assertThat(follow.out().lines()).hasSize(3);
        assertThat(follow.out().lines().get(2)).endsWith("group " + t.group() + ": " + t.alices() + ": live two");
        assertThat(follow.err().text()).endsWith("3 messages, at useq 2, group " + t.group() + " gseq 1 (acknowledged)\n");
        assertThat(t.bobSyncs().out()).as("the live messages were acknowledged too").isEmpty();
    }

    @Test
    void countStopsEarlyAndLeavesTheRestForNextTime() {
        Two t = Two.inAGroup();
        t.chats("m1", "m2", "m3");
        assertThat(t.bobSyncs("--count", "1").lastWords()).containsExactly("m1");
        assertThat(t.bobSyncs().lastWords()).containsExactly("m2", "m3");
    }

    @Test
    void wrongPasswordExits1() {
        User bob = server.register("bob");
        Cli.Result r = server.run("sync", "--id", bob.idArg(), "--password", "nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("chatctl: login failed: id or password is invalid! (errno 1)\n");
    }
}
