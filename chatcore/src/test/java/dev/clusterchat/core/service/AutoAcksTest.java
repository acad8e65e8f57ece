package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.memory.MemoryStore;
import dev.clusterchat.core.testsupport.Await;
import dev.clusterchat.core.testsupport.ChatClient;
import dev.clusterchat.core.testsupport.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deliveries to clients that do not acknowledge count once the socket has taken their frames: a
 * reader that stops reading leaves frames in the server's output buffer, and neither the flush
 * every second nor the logout may count them (a crash would lose them), whoever they were for when
 * the connection served several users in turn.
 */
@Timeout(60)
class AutoAcksTest {
    /**
     * 8 MB for a client that reads nothing: more than its socket takes (about 3 MB on Linux's
     * defaults) and the server's output buffer holds (a page, 1 MiB); the rest waits in the store.
     */
    private static final int SENT = 1000;
    private static final String PAD = "x".repeat(8000);

    private final MemoryStore store = new MemoryStore();
    private TestServer server;
    private ChatClient alice;
    private long aliceId;

    @BeforeEach
    void start() {
        server = TestServer.start(store, c -> c.withAbuseLimits(AbuseLimits.NONE)); // alice floods
        alice = server.client();
        aliceId = alice.register("alice", "pw");
        assertThat(errno(alice.login(aliceId, "pw"))).isZero();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theFlushCountsOnlyWhatTheSocketTookFromAReaderThatStalled() {
        long bob = alice.register("bob", "pw");
        ChatClient stalled = stalledClient();
        assertThat(errno(stalled.login(bob, "pw"))).isZero();
        flood(bob); // it reads nothing: its socket fills, the rest waits in the server
        Await.until(() -> acked(bob) > 0, Duration.ofSeconds(10), "the flush to record what the socket took");
        long recorded = highestAckedWithin(bob, Duration.ofMillis(2_500)); // two more flushes at least

        server.server().stop(Duration.ofSeconds(1)); // drops it: its output buffer is lost, as in a crash
        long received = highestUseq(readToEnd(stalled), bob);
        assertThat(received).as("frames were left in the output buffer").isLessThan(SENT);
        assertThat(recorded).as("recorded while they waited: at most what reached the client").isLessThanOrEqualTo(received);
        assertThat(acked(bob)).as("recorded at the close: what reached the client").isEqualTo(received);
    }

    @Test
    void framesLeftForAUserWhoLoggedOutAreNotChargedToTheNextUserOfTheConnection() {
        switchAccountsThenDrop(false);
    }

    @Test
    void framesLeftForTwoUsersWhoBothLoggedOutAreEachChargedToTheirOwn() {
        switchAccountsThenDrop(true);
    }

    /**
     * bob logs in on a connection that stops reading, gets messages, logs out; carol, who has
     * acknowledged her first 400 messages elsewhere, logs in on the same connection (and out again
     * if {@code carolLogsOut}); then the connection drops. bob's position is what reached the
     * client, carol's does not move: her login reply never left.
     */
    private void switchAccountsThenDrop(boolean carolLogsOut) {
        long bob = alice.register("bob", "pw");
        long carol = alice.register("carol", "pw");
        List<NewMessage> before = new ArrayList<>();
        for (int i = 1; i <= 400; i++) {
            before.add(NewMessage.direct(aliceId, "alice", carol, null, "old " + i, null));
        }
        store.append(before);
        store.ack(carol, 0, 400);
        for (int i = 401; i <= 403; i++) {
            chat(carol, "new " + i);
        }
        ChatClient shared = stalledClient();
        assertThat(errno(shared.login(bob, "pw"))).isZero();
        flood(bob);
        shared.send("{\"msgid\":3}");
        Await.until(() -> server.server().onlineUsers() == 1, Duration.ofSeconds(10), "bob's logout");
        shared.send("{\"msgid\":1,\"id\":" + carol + ",\"password\":\"pw\"}");
        Await.until(() -> server.server().onlineUsers() == 2, Duration.ofSeconds(10), "carol's login");
        if (carolLogsOut) {
            shared.send("{\"msgid\":3}");
            Await.until(() -> server.server().onlineUsers() == 1, Duration.ofSeconds(10), "carol's logout");
        }

        server.server().stop(Duration.ofSeconds(1));
        List<JsonObject> frames = readToEnd(shared);
        long received = highestUseq(frames, bob);
        assertThat(received).as("frames were left in the output buffer").isLessThan(SENT);
        assertThat(frames).as("nothing for carol left").noneMatch(f -> f.get("msgid").getAsInt() == MsgId.LOGIN_ACK);
        assertThat(acked(bob)).as("bob: what reached the client").isEqualTo(received);
        assertThat(acked(carol)).as("carol: where she was").isEqualTo(400);
    }

    private ChatClient stalledClient() {
        return server.clientWithReceiveBuffer(4096);
    }

    /** Sends {@link #SENT} large messages to the user, a hundred at a time. */
    private void flood(long to) {
        for (int i = 1; i <= SENT; i += 100) {
            for (int k = i; k < i + 100; k++) {
                alice.send(ChatClient.chat(to, k + ":" + PAD));
            }
            for (int k = i; k < i + 100; k++) {
                JsonObject ack = alice.next(o -> o.get("msgid").getAsInt() == MsgId.ONE_CHAT_ACK);
                assertThat(errno(ack)).as(ack.toString()).isZero();
            }
        }
    }

    private void chat(long to, String text) {
        JsonObject ack = alice.request(ChatClient.chat(to, text).toString(), MsgId.ONE_CHAT_ACK);
        assertThat(errno(ack)).as(ack.toString()).isZero();
    }

    private long acked(long user) {
        for (Cursor c : store.cursors(user)) {
            if (c.timeline() == 0) {
                return c.acked();
            }
        }
        throw new AssertionError("no inbox cursor for user " + user);
    }

    /** The highest inbox position the store shows for the user over the whole period (read every 5 ms). */
    private long highestAckedWithin(long user, Duration period) {
        long max = 0;
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            max = Math.max(max, acked(user));
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        return max;
    }

    /** Every whole frame the client can still read, up to the server's close. */
    private static List<JsonObject> readToEnd(ChatClient c) {
        List<JsonObject> frames = new ArrayList<>();
        try {
            while (true) {
                frames.add(c.next());
            }
        } catch (UncheckedIOException closed) {
            return frames;
        }
    }

    private static long highestUseq(List<JsonObject> frames, long to) {
        long max = 0;
        for (JsonObject f : frames) {
            if (f.get("msgid").getAsInt() == MsgId.ONE_CHAT && f.get("toid").getAsLong() == to) {
                max = Math.max(max, f.get("useq").getAsLong());
            }
        }
        return max;
    }

    private static int errno(JsonObject o) {
        return o.get("errno").getAsInt();
    }
}
