package dev.clusterchat.core.service;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.clusterchat.core.net.Connection;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;

import java.nio.charset.StandardCharsets;

/**
 * One parsed request and the way to answer it: exactly one reply, carrying the request's
 * {@code seq} if it had one. A legacy (NUL-dialect) peer gets no reply where the seed server sent
 * none. Thread-safe; handlers use it from the worker pool.
 */
public final class Request {
    private final Session session;
    private final int msgid;
    private final JsonObject body;
    private final Telemetry telemetry;
    private final boolean legacy;
    private volatile boolean replied;
    private volatile boolean deferred;

    /** Loop thread only: the request takes the dialect its connection speaks as it arrives. */
    /** Its place among the connection's replies ({@link ReplyOrder}), or -1 if it is answered at once. */
    private final long ticket;

    /**
     * Loop thread only.
     *
     * @param ordered whether the reply keeps its place among the connection's replies (requests
     *                served by workers); a request answered on the loop is answered at once
     */
    Request(Session session, int msgid, JsonObject body, Telemetry telemetry, boolean ordered) {
        this.session = session;
        this.msgid = msgid;
        this.body = body;
        this.telemetry = telemetry;
        this.legacy = session.connection().isLegacy();
        this.ticket = ordered ? session.replyOrder().take() : -1;
    }

    public Session session() {
        return session;
    }

    public Connection connection() {
        return session.connection();
    }

    public int msgid() {
        return msgid;
    }

    public JsonObject body() {
        return body;
    }

    /** The logged-in user's id; throws NOT_LOGGED_IN if there is none. */
    public long userId() {
        long id = session.userId();
        if (id == 0) {
            throw new ChatException(Errno.NOT_LOGGED_IN);
        }
        return id;
    }

    /**
     * Whether the request came in the legacy dialect: its connection had sent a NUL-terminated frame
     * before it (one sent later changes nothing for a request already waiting in the queue).
     */
    public boolean legacy() {
        return legacy;
    }

    public boolean replied() {
        return replied;
    }

    /**
     * The handler returns before its reply is ready (it waits for a commit): whoever completes the
     * work must reply, exactly once, from any thread.
     */
    public void defer() {
        deferred = true;
    }

    /** Whether the reply was deferred ({@link #defer}). */
    public boolean deferred() {
        return deferred;
    }

    /** A success reply: {@code {"msgid":<reply id>,"errno":0, ...fields}}. */
    public JsonObject okReply() {
        JsonObject r = new JsonObject();
        r.addProperty("msgid", MsgId.replyTo(msgid));
        r.addProperty("errno", 0);
        return r;
    }

    /** Sends a reply built with {@link #okReply()} (the seq is added here). */
    public void reply(JsonObject reply) {
        send(reply);
    }

    /** Sends the success reply with no extra fields. */
    public void ok() {
        send(okReply());
    }

    /** Sends an error reply. */
    public void error(Errno errno, String message) {
        claimReply();
        telemetry.errorReply(msgid, errno); // counted before the client can see it
        write(errorReply(MsgId.replyTo(msgid), errno, message, body.get("seq")));
    }

    /**
     * Any thread: sends a success reply whose further members come as JSON text ({@code ,"k":v}
     * each), built without a tree: the same bytes as {@link #reply} of an {@link #okReply()} with
     * those members added in that order. The members must not include {@code seq}.
     */
    void replyMembers(CharSequence members) {
        claimReply();
        if (legacy && MsgId.seedSilent(msgid)) {
            write((byte[]) null);
            return;
        }
        StringBuilder b = new StringBuilder(members.length() + 48);
        b.append("{\"msgid\":").append(MsgId.replyTo(msgid)).append(",\"errno\":0").append(members);
        JsonElement seq = body.get("seq");
        if (seq != null) {
            b.append(",\"seq\":");
            JsonText.write(b, seq);
        }
        write(b.append('}').toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Encodes a reply for this connection's dialect, or null if a legacy peer expects none. */
    byte[] encode(JsonObject reply) {
        if (legacy && MsgId.seedSilent(msgid)) {
            return null;
        }
        JsonElement seq = body.get("seq");
        if (seq != null && !reply.has("seq")) {
            reply.add("seq", seq);
        }
        return JsonText.encode(reply);
    }

    /**
     * Sends a reply from the connection's loop through {@code inLoop}, which writes the encoded frame
     * and whatever must follow it in the same loop task (the login reply and the messages after it,
     * a sync page and the live messages after it). A legacy peer's silent reply still runs it, with null.
     */
    void replyInLoop(JsonObject reply, java.util.function.Consumer<byte[]> inLoop) {
        claimReply();
        byte[] frame = encode(reply);
        inTurn(() -> inLoop.accept(frame));
    }

    /** Runs the writing of this request's reply on the loop, in its turn. */
    private void inTurn(Runnable write) {
        if (ticket < 0) {
            connection().loop().execute(write);
        } else {
            connection().loop().execute(() -> session.replyOrder().ready(ticket, write));
        }
    }

    private void send(JsonObject reply) {
        claimReply();
        write(reply);
    }

    private void claimReply() {
        if (replied) {
            throw new IllegalStateException("request msgid " + msgid + " already answered");
        }
        replied = true;
    }

    private void write(JsonObject reply) {
        write(encode(reply));
    }

    private void write(byte[] frame) {
        Runnable send = () -> {
            if (frame != null) {
                connection().sendEncoded(frame);
            }
        };
        if (ticket < 0) {
            send.run(); // answered at once, from any thread (sendEncoded is thread-safe)
        } else {
            inTurn(send);
        }
    }

    static JsonObject errorReply(int replyMsgid, Errno errno, String message, JsonElement seq) {
        JsonObject r = new JsonObject();
        r.addProperty("msgid", replyMsgid);
        r.addProperty("errno", errno.code());
        r.addProperty("errmsg", message);
        if (seq != null) {
            r.add("seq", seq);
        }
        return r;
    }
}
