package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.memory.MemoryStore;
import dev.clusterchat.core.testsupport.ChatClient;
import dev.clusterchat.core.testsupport.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reliable-delivery protocol (docs/PROTOCOL.md "Reliable delivery") end to end on one node:
 * durable acks with ids, idempotent resends, acknowledging clients that sync in pages and ack,
 * redelivery of what was not acknowledged, one group order for every member, history.
 */
@Timeout(30)
class ReliableDeliveryTest {
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(new MemoryStore());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static int errno(JsonObject o) {
        return o.get("errno").getAsInt();
    }

    private static JsonObject send(ChatClient c, long to, String text, String cmid) {
        JsonObject req = ChatClient.chat(to, text);
        if (cmid != null) {
            req.addProperty("cmid", cmid);
        }
        JsonObject ack = c.request(req.toString(), MsgId.ONE_CHAT_ACK);
        assertThat(errno(ack)).as(ack.toString()).isZero();
        return ack;
    }

    private static JsonObject ackLogin(ChatClient c, long id) {
        JsonObject r = c.request("{\"msgid\":1,\"id\":" + id + ",\"password\":\"pw\",\"ack\":true}", MsgId.LOGIN_ACK);
        assertThat(errno(r)).as(r.toString()).isZero();
        return r;
    }

    private static JsonObject sync(ChatClient c, String fields) {
        JsonObject r = c.request("{\"msgid\":20" + fields + "}", MsgId.SYNC_ACK);
        assertThat(errno(r)).as(r.toString()).isZero();
        return r;
    }

    private static List<String> texts(JsonArray msgs) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : msgs) {
            out.add(e.getAsJsonObject().get("msg").getAsString());
        }
        return out;
    }

    @Test
    void aSendIsAcknowledgedWithItsIdentityAndAResendIsStoredOnce() {
        ChatClient a = server.client();
        long alice = a.register("alice", "pw");
        long bob = a.register("bob", "pw");
        a.login(alice, "pw");
        ChatClient b = server.client();
        b.login(bob, "pw");
        JsonObject first = send(a, bob, "hello", "c-1");
        assertThat(first.get("msgno").getAsLong()).isPositive();
        assertThat(first.get("useq").getAsLong()).isEqualTo(1);
        assertThat(first.get("stime").getAsLong()).isPositive();
        assertThat(first.get("cmid").getAsString()).isEqualTo("c-1");
        assertThat(first.has("dup")).isFalse();
        JsonObject again = send(a, bob, "hello", "c-1");
        assertThat(again.get("dup").getAsBoolean()).isTrue();
        assertThat(again.get("msgno")).isEqualTo(first.get("msgno"));
        assertThat(again.get("useq")).isEqualTo(first.get("useq"));
        JsonObject second = send(a, bob, "second", "c-2");
        assertThat(second.get("useq").getAsLong()).isEqualTo(2);

        JsonObject got = b.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT);
        assertThat(got.get("msg").getAsString()).isEqualTo("hello");
        assertThat(got.get("msgno")).isEqualTo(first.get("msgno"));
        assertThat(got.get("useq").getAsLong()).isEqualTo(1);
        assertThat(got.get("stime")).isEqualTo(first.get("stime"));
        assertThat(b.drainChats(300)).as("the resend is not delivered again").containsExactly("second");
    }

    @Test
    void anAcknowledgingClientSyncsInPagesThenGetsLiveMessagesAndIsSentAgainWhatItDidNotAck() {
        ChatClient a = server.client();
        long alice = a.register("alice", "pw");
        long bob = a.register("bob", "pw");
        a.login(alice, "pw");
        for (int i = 1; i <= 5; i++) {
            send(a, bob, "m" + i, null);
        }
        ChatClient b = server.client();
        JsonObject login = ackLogin(b, bob);
        assertThat(login.getAsJsonArray("offlinemsg")).isEmpty();
        assertThat(login.get("useq").getAsLong()).isZero();
        send(a, bob, "m6", null);
        assertThat(b.quietFor(300)).as("nothing before the client syncs").isTrue();

        JsonObject page1 = sync(b, ",\"limit\":4");
        assertThat(texts(page1.getAsJsonArray("msgs"))).containsExactly("m1", "m2", "m3", "m4");
        assertThat(page1.get("more").getAsBoolean()).isTrue();
        JsonObject page2 = sync(b, ",\"useq\":4,\"limit\":4");
        assertThat(texts(page2.getAsJsonArray("msgs"))).containsExactly("m5", "m6");
        assertThat(page2.get("more").getAsBoolean()).isFalse();

        send(a, bob, "m7", null);
        JsonObject live = b.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT);
        assertThat(live.get("msg").getAsString()).isEqualTo("m7");
        assertThat(live.get("useq").getAsLong()).isEqualTo(7);

        JsonObject acked = b.request("{\"msgid\":22,\"useq\":5}", MsgId.DELIVERED_ACK);
        assertThat(errno(acked)).isZero();
        b.close(); // bob reconnects: everything after what he acknowledged comes again
        ChatClient b2 = server.client();
        assertThat(ackLoginEventually(b2, bob).get("useq").getAsLong()).isEqualTo(5);
        JsonObject rest = sync(b2, "");
        assertThat(texts(rest.getAsJsonArray("msgs"))).containsExactly("m6", "m7");
        JsonObject fromSeven = sync(b2, ",\"useq\":7");
        assertThat(fromSeven.getAsJsonArray("msgs")).as("a client that has 7 gets nothing again").isEmpty();
    }

    @Test
    void aSyncReplySaysWhereItReachedEvenPastPagesOfTheSendersOwnGroupMessages() {
        ChatClient a = server.client();
        long alice = a.register("alice", "pw");
        long bob = a.register("bob", "pw");
        a.login(alice, "pw");
        long g = a.request("{\"msgid\":8,\"groupname\":\"g\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong();
        ChatClient b = server.client();
        ackLogin(b, bob);
        b.request("{\"msgid\":9,\"groupid\":" + g + "}", MsgId.ADD_GROUP_ACK);
        for (int i = 1; i <= 5; i++) {
            JsonObject ack = b.request(ChatClient.groupChat(g, "own" + i).toString(), MsgId.GROUP_CHAT_ACK);
            assertThat(errno(ack)).as(ack.toString()).isZero();
        }
        assertThat(errno(a.request(ChatClient.groupChat(g, "theirs").toString(), MsgId.GROUP_CHAT_ACK))).isZero();
        send(a, bob, "direct", null);

        JsonObject page = sync(b, ",\"useq\":0,\"gseqs\":{\"" + g + "\":0},\"limit\":3");
        assertThat(page.getAsJsonArray("msgs")).as("the first three are bob's own").isEmpty();
        assertThat(page.get("more").getAsBoolean()).isTrue();
        long reached = page.getAsJsonObject("gseqs").get(Long.toString(g)).getAsLong();
        assertThat(reached).isPositive();
        JsonObject next = sync(b, ",\"useq\":" + page.get("useq").getAsLong() + ",\"gseqs\":{\"" + g + "\":" + reached + "}");
        assertThat(texts(next.getAsJsonArray("msgs"))).containsExactlyInAnyOrder("theirs", "direct");
        assertThat(next.get("more").getAsBoolean()).isFalse();
        assertThat(next.get("useq").getAsLong()).isEqualTo(1);
        assertThat(next.getAsJsonObject("gseqs").get(Long.toString(g)).getAsLong()).isEqualTo(6);
    }

    @Test
    void aSyncFromPastTheEndStartsAtTheEndSoLiveMessagesStillCome() {
        ChatClient a = server.client();
        long alice = a.register("alice", "pw");
        long bob = a.register("bob", "pw");
        a.login(alice, "pw");
        send(a, bob, "m1", null);
        ChatClient b = server.client();
        ackLogin(b, bob);
        JsonObject page = sync(b, ",\"useq\":1000");
        assertThat(page.get("useq").getAsLong()).isEqualTo(1);
        assertThat(page.get("more").getAsBoolean()).isFalse();
        send(a, bob, "m2", null);
        JsonObject live = b.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT);
        assertThat(live.get("msg").getAsString()).isEqualTo("m2");
    }

    /** The previous connection's logout may still be in flight: retry "account in use" briefly. */
    private static JsonObject ackLoginEventually(ChatClient c, long id) {
        for (int i = 0; i < 100; i++) {
            JsonObject r = c.request("{\"msgid\":1,\"id\":" + id + ",\"password\":\"pw\",\"ack\":true}", MsgId.LOGIN_ACK);
            if (errno(r) != Errno.ACCOUNT_IN_USE.code()) {
                assertThat(errno(r)).as(r.toString()).isZero();
                return r;
            }
            c.quietFor(20);
        }
        throw new AssertionError("still logged in elsewhere");
    }

    @Test
    void aClientThatDoesNotAcknowledgeHasWhatWasWrittenToItCountedAsDelivered() {
        ChatClient a = server.client();
        long alice = a.register("alice", "pw");
        long bob = a.register("bob", "pw");
        a.login(alice, "pw");
        send(a, bob, "offline", null);
        ChatClient b = server.client();
        assertThat(texts(b.login(bob, "pw").getAsJsonArray("offlinemsg"))).containsExactly("offline");
        send(a, bob, "live", null);
        assertThat(b.drainChats(300)).containsExactly("live");
        b.request("{\"msgid\":3}", MsgId.LOGOUT_ACK);
        send(a, bob, "after", null);
        assertThat(texts(b.login(bob, "pw").getAsJsonArray("offlinemsg"))).containsExactly("after");
    }

    @Test
    void everyMemberSeesOneGroupOrderAndSendersDoNotGetTheirOwn() {
        ChatClient a = server.client();
        long alice = a.register("alice", "pw");
        long bob = a.register("bob", "pw");
        long carol = a.register("carol", "pw");
        a.login(alice, "pw");
        long g = a.request("{\"msgid\":8,\"groupname\":\"g\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong();
        ChatClient b = server.client();
        b.login(bob, "pw");
        b.request("{\"msgid\":9,\"groupid\":" + g + "}", MsgId.ADD_GROUP_ACK);
        ChatClient c = server.client();
        c.login(carol, "pw");
        c.request("{\"msgid\":9,\"groupid\":" + g + "}", MsgId.ADD_GROUP_ACK);
        for (int i = 0; i < 50; i++) { // alice and bob pipeline their messages: commits interleave
            a.send(ChatClient.groupChat(g, "a" + i));
            b.send(ChatClient.groupChat(g, "b" + i));
        }
        List<Long> carolOrder = gseqsOf(c, 100);
        assertThat(carolOrder).as("gapless, in order").isEqualTo(range(1, 100));
        List<Long> bobOrder = gseqsOf(b, 50);
        List<Long> aliceOrder = gseqsOf(a, 50);
        assertThat(bobOrder).isSorted().doesNotHaveDuplicates().hasSize(50);
        assertThat(aliceOrder).isSorted().doesNotHaveDuplicates().hasSize(50);
        List<Long> union = new ArrayList<>(bobOrder);
        union.addAll(aliceOrder);
        assertThat(union).as("each gets the other's messages, never its own").containsExactlyInAnyOrderElementsOf(range(1, 100));
        JsonObject history = a.request("{\"msgid\":24,\"groupid\":" + g + ",\"limit\":100}", MsgId.HISTORY_ACK);
        List<Long> newestFirst = new ArrayList<>();
        history.getAsJsonArray("msgs").forEach(e -> newestFirst.add(e.getAsJsonObject().get("gseq").getAsLong()));
        assertThat(newestFirst).as("history is the same order, newest first").isEqualTo(range(100, 1));
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; from <= to ? i <= to : i >= to; i += from <= to ? 1 : -1) {
            out.add(i);
        }
        return out;
    }

    private static List<Long> gseqsOf(ChatClient c, int n) {
        List<Long> out = new ArrayList<>();
        while (out.size() < n) {
            JsonObject m = c.next(o -> o.get("msgid").getAsInt() == MsgId.GROUP_CHAT);
            out.add(m.get("gseq").getAsLong());
        }
        return out;
    }

    @Test
    void aHistoryPageIsBoundedInBytesNotCharacters() {
        ChatClient a = server.client();
        long alice = a.register("alice", "pw");
        long bob = a.register("bob", "pw");
        a.login(alice, "pw");
        String text = "😀".repeat(4096); // 8,192 chars, 16,384 bytes in UTF-8
        for (int i = 0; i < 100; i++) {
            send(a, bob, text, null);
        }
        JsonObject page = a.request("{\"msgid\":24,\"peer\":" + bob + ",\"limit\":100}", MsgId.HISTORY_ACK);
        assertThat(errno(page)).isZero();
        int bytes = page.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(bytes).as("a quarter of the 4 MiB high-water mark, plus the message that crossed it")
                .isLessThanOrEqualTo((1 << 20) + 17_000);
        assertThat(page.getAsJsonArray("msgs").size()).isBetween(1, 99);
        assertThat(page.get("more").getAsBoolean()).isTrue();
    }

    @Test
    void historyPagesThroughAConversationInBothDirections() {
        ChatClient a = server.client();
        long alice = a.register("alice", "pw");
        long bob = a.register("bob", "pw");
        long carol = a.register("carol", "pw");
        a.login(alice, "pw");
        ChatClient b = server.client();
        b.login(bob, "pw");
        for (int i = 0; i < 3; i++) {
            send(a, bob, "a" + i, null);
            send(b, alice, "b" + i, null);
        }
        send(a, carol, "not in this conversation", null);
        JsonObject page1 = a.request("{\"msgid\":24,\"peer\":" + bob + ",\"limit\":4}", MsgId.HISTORY_ACK);
        assertThat(texts(page1.getAsJsonArray("msgs"))).containsExactly("b2", "a2", "b1", "a1");
        assertThat(page1.get("more").getAsBoolean()).isTrue();
        JsonArray m = page1.getAsJsonArray("msgs");
        long before = m.get(m.size() - 1).getAsJsonObject().get("msgno").getAsLong();
        JsonObject page2 = a.request("{\"msgid\":24,\"peer\":" + bob + ",\"before\":" + before + ",\"limit\":4}", MsgId.HISTORY_ACK);
        assertThat(texts(page2.getAsJsonArray("msgs"))).containsExactly("b0", "a0");
        assertThat(page2.get("more").getAsBoolean()).isFalse();
    }

    @Test
    void badReliableRequestsGetClearErrors() {
        ChatClient a = server.client();
        long alice = a.register("alice", "pw");
        long other = a.register("other", "pw");
        a.login(alice, "pw");
        long g = a.request("{\"msgid\":8,\"groupname\":\"theirs\"}", MsgId.CREATE_GROUP_ACK).get("groupid").getAsLong();
        a.request("{\"msgid\":3}", MsgId.LOGOUT_ACK);
        ChatClient o = server.client();
        o.login(other, "pw");
        assertThat(errno(o.request("{\"msgid\":20,\"gseqs\":[1]}", MsgId.SYNC_ACK))).isEqualTo(Errno.INVALID_REQUEST.code());
        assertThat(errno(o.request("{\"msgid\":20,\"limit\":0}", MsgId.SYNC_ACK))).isEqualTo(Errno.INVALID_REQUEST.code());
        assertThat(errno(o.request("{\"msgid\":22}", MsgId.DELIVERED_ACK))).isEqualTo(Errno.INVALID_REQUEST.code());
        assertThat(errno(o.request("{\"msgid\":22,\"useq\":-1}", MsgId.DELIVERED_ACK))).isEqualTo(Errno.INVALID_REQUEST.code());
        assertThat(errno(o.request("{\"msgid\":24}", MsgId.HISTORY_ACK))).isEqualTo(Errno.INVALID_REQUEST.code());
        assertThat(errno(o.request("{\"msgid\":24,\"peer\":1,\"groupid\":1}", MsgId.HISTORY_ACK))).isEqualTo(Errno.INVALID_REQUEST.code());
        assertThat(errno(o.request("{\"msgid\":24,\"peer\":999}", MsgId.HISTORY_ACK))).isEqualTo(Errno.NO_SUCH_USER.code());
        assertThat(errno(o.request("{\"msgid\":24,\"groupid\":999}", MsgId.HISTORY_ACK))).isEqualTo(Errno.NO_SUCH_GROUP.code());
        assertThat(errno(o.request("{\"msgid\":24,\"groupid\":" + g + "}", MsgId.HISTORY_ACK))).isEqualTo(Errno.NOT_A_MEMBER.code());
        JsonObject longCmid = ChatClient.chat(alice, "x");
        longCmid.addProperty("cmid", "c".repeat(65));
        assertThat(errno(o.request(longCmid.toString(), MsgId.ONE_CHAT_ACK))).isEqualTo(Errno.INVALID_REQUEST.code());
        ChatClient anonymous = server.client();
        assertThat(errno(anonymous.request("{\"msgid\":20}", MsgId.SYNC_ACK))).isEqualTo(Errno.NOT_LOGGED_IN.code());
    }
}
