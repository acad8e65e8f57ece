package dev.clusterchat.core.service;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.testsupport.ChatClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One connection of the fuzzer: writes a case's bytes, split at random points, and checks what comes
 * back against its {@link ReplyOracle}. Deliveries (frames without errno) are passed over. Not
 * thread-safe.
 */
final class FuzzConnection {
    private final ChatClient client;
    private final ReplyOracle oracle;
    private int marks;

    FuzzConnection(ChatClient client, int maxFrameLength) {
        this.client = client;
        this.oracle = new ReplyOracle(maxFrameLength);
    }

    ChatClient client() {
        return client;
    }

    /**
     * Runs one case; returns whether the connection is still open for the next one. A close by the
     * server must have a documented reason: a frame too long (errno 11, after the replies to the
     * frames before it) or an abuse limit (errno 16, 19 or 20, or the server stopped reading while
     * the case was written); every other complete frame gets exactly its reply.
     */
    boolean run(FuzzInput.Case k, Random random, FuzzTest.Counts counts) {
        if (k.ending() == FuzzInput.Ending.ABORT) {
            sendSplit(client, k.bytes(), random);
            client.close();
            counts.closedByClient++;
            return false;
        }
        boolean halfClose = k.ending() == FuzzInput.Ending.HALF_CLOSE;
        byte[] bytes = halfClose ? k.bytes() : terminated(k.bytes());
        ReplyOracle.Expectation e = oracle.next(bytes);
        counts.frames += e.frames();
        boolean written = write(bytes, random, halfClose);
        Replies r = written && !halfClose && !e.tooLong() ? repliesUpToBarrier(counts) : readUntilClosed(counts);
        if (r.open()) {
            assertThat(r.count()).as("replies to " + e.frames() + " frames").isEqualTo(e.replies());
            counts.checked++;
            return true;
        }
        client.close();
        if (r.last() != null && errno(r.last()) == Errno.FRAME_TOO_LONG.code()) {
            assertThat(e.tooLong()).as("errno 11 for a frame too long").isTrue();
            assertThat(r.last().get("msgid").getAsInt()).isEqualTo(MsgId.ERROR);
            assertThat(r.count() - 1).as("replies to the frames before the long one").isEqualTo(e.replies());
            counts.closedTooLong++;
        } else if (halfClose && written && !r.limited()) {
            assertThat(r.count()).as("replies before the server closed a half-closed connection").isEqualTo(e.replies());
        } else {
            assertThat(r.limited() || !written).as("closed by the server with no errno 11, 16, 19 or 20").isTrue();
            assertThat(r.count()).as("replies before a close for abuse").isLessThanOrEqualTo(e.replies());
            counts.closedByLimits++;
        }
        return false;
    }

    /** What came back for a case: the replies counted, the last one, whether a limit spoke, whether still open. */
    private record Replies(int count, JsonObject last, boolean limited, boolean open) {
    }

    /** Writes the case (and half-closes); false if the server had closed the connection meanwhile. */
    private boolean write(byte[] bytes, Random random, boolean halfClose) {
        try {
            sendSplit(client, bytes, random);
            if (halfClose) {
                client.socket().shutdownOutput();
            }
            return true;
        } catch (IOException | UncheckedIOException closed) {
            return false;
        }
    }

    private static byte[] terminated(byte[] bytes) {
        byte[] b = Arrays.copyOf(bytes, bytes.length + 1);
        b[bytes.length] = '\n';
        return b;
    }

    /**
     * Sends a ping, which must be answered, and a barrier: a request answered in order after every
     * request before it (an empty name, errno 4). Counts the replies before the barrier's; a barrier
     * refused (queue full, rate limit) is sent again a little later.
     */
    private Replies repliesUpToBarrier(FuzzTest.Counts counts) {
        String ping = "ping-" + ++marks;
        client.send("{\"msgid\":18,\"seq\":\"" + ping + "\"}");
        String barrier = sendBarrier();
        boolean ponged = false;
        boolean limited = false;
        int replies = 0;
        JsonObject last = null;
        while (true) {
            JsonObject o = nextReply();
            if (o == null) {
                return new Replies(replies, last, limited, false);
            }
            last = o;
            limited |= isLimit(o);
            JsonElement seq = o.get("seq");
            String mark = seq != null && seq.isJsonPrimitive() ? seq.getAsString() : "";
            if (mark.equals(ping)) {
                assertThat(o.get("msgid").getAsInt()).isEqualTo(MsgId.PONG);
                ponged = true;
            } else if (mark.equals(barrier)) {
                assertThat(o.get("msgid").getAsInt()).as(o.toString()).isEqualTo(MsgId.REG_ACK);
                if (errno(o) == Errno.INVALID_REQUEST.code()) {
                    assertThat(ponged).as("the ping was answered").isTrue();
                    return new Replies(replies, last, limited, true);
                }
                assertThat(errno(o)).as(o.toString()).isIn(Errno.BUSY.code(), Errno.RATE_LIMITED.code());
                LockSupport.parkNanos(BARRIER_PAUSE.toNanos()); // pace, rather than flood, a busy or limited connection
                barrier = sendBarrier();
            } else {
                count(o, counts);
                replies++;
            }
        }
    }

    private static final Duration BARRIER_PAUSE = Duration.ofMillis(10);

    private String sendBarrier() {
        String barrier = "barrier-" + ++marks;
        try {
            client.send("{\"msgid\":4,\"name\":\"\",\"password\":\"x\",\"seq\":\"" + barrier + "\"}");
        } catch (UncheckedIOException closed) {
            // the server closed the connection: the reads that follow find out why
        }
        return barrier;
    }

    /** Every reply until the server closes; deliveries are passed over. */
    private Replies readUntilClosed(FuzzTest.Counts counts) {
        int replies = 0;
        boolean limited = false;
        JsonObject last = null;
        for (JsonObject o = nextReply(); o != null; o = nextReply()) {
            count(o, counts);
            replies++;
            limited |= isLimit(o);
            last = o;
        }
        return new Replies(replies, last, limited, false);
    }

    /** The next reply (deliveries passed over), or null once the server has closed the connection. */
    private JsonObject nextReply() {
        while (true) {
            String frame;
            try {
                frame = client.readFrame();
            } catch (UncheckedIOException closed) {
                return null;
            }
            JsonObject o = parseReply(frame);
            if (o.has("errno")) {
                return o;
            }
        }
    }

    /** A reply of an abuse limit: rate (16), frame timeout (19), login timeout (20). */
    private static boolean isLimit(JsonObject reply) {
        int errno = errno(reply);
        return errno == Errno.RATE_LIMITED.code() || errno == Errno.FRAME_TIMEOUT.code() || errno == Errno.LOGIN_TIMEOUT.code();
    }

    private static int errno(JsonObject reply) {
        return reply.get("errno").getAsInt();
    }

    private static void count(JsonObject reply, FuzzTest.Counts counts) {
        counts.replies++;
        int errno = reply.get("errno").getAsInt();
        if (errno != 0) {
            counts.errors++;
        }
        if (errno == Errno.SERVER_ERROR.code()) {
            counts.serverErrors++;
        }
    }

    /**
     * A frame from the server: a JSON object that is either a reply (a reply msgid, a documented
     * errno, an errmsg unless errno is 0) or a delivery (msgid 6 or 10 without errno).
     */
    private static JsonObject parseReply(String frame) {
        JsonElement e = JsonParser.parseString(frame);
        assertThat(e.isJsonObject()).as("a frame from the server is a JSON object: %s", frame).isTrue();
        JsonObject o = e.getAsJsonObject();
        int msgid = o.get("msgid").getAsInt();
        if (!o.has("errno")) {
            assertThat(msgid).as("a frame without errno is a delivery: %s", frame).isIn(MsgId.ONE_CHAT, MsgId.GROUP_CHAT);
            assertThat(o.get("msg").getAsString()).as(frame).isNotEmpty();
            return o;
        }
        assertThat(msgid).as("a reply's msgid: %s", frame).isIn(MsgId.LOGIN_ACK, MsgId.REG_ACK, MsgId.LOGOUT_ACK,
                MsgId.ONE_CHAT_ACK, MsgId.ADD_FRIEND_ACK, MsgId.CREATE_GROUP_ACK, MsgId.ADD_GROUP_ACK,
                MsgId.GROUP_CHAT_ACK, MsgId.ERROR, MsgId.PONG);
        int errno = o.get("errno").getAsInt();
        assertThat(errno).as("a documented errno: %s", frame).isBetween(0, Errno.values().length - 1);
        if (errno != 0) {
            assertThat(o.get("errmsg").getAsString()).as(frame).isNotBlank();
        }
        return o;
    }

    private static void sendSplit(ChatClient c, byte[] bytes, Random random) {
        int[] at = bytes.length < 2 ? new int[0]
                : random.ints(random.nextInt(Math.min(16, bytes.length)), 1, bytes.length).sorted().toArray();
        int from = 0;
        for (int cut : at) {
            c.sendRaw(Arrays.copyOfRange(bytes, from, cut));
            from = cut;
        }
        c.sendRaw(Arrays.copyOfRange(bytes, from, bytes.length));
    }
}
