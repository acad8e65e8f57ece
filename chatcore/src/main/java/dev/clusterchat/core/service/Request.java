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

    /** Loop thread only: the request takes the dialect its connection speaks as it arrives. */
    Request(Session session, int msgid, JsonObject body, Telemetry telemetry) {
        this.session = session;
        this.msgid = msgid;
        this.body = body;
        this.telemetry = telemetry;
        this.legacy = session.connection().isLegacy();
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

    /** Encodes a reply for this connection's dialect, or null if a legacy peer expects none. */
    byte[] encode(JsonObject reply) {
        if (legacy && MsgId.seedSilent(msgid)) {
            return null;
        }
        JsonElement seq = body.get("seq");
        if (seq != null && !reply.has("seq")) {
            reply.add("seq", seq);
        }
        return reply.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends a login reply through the session, which then releases the live messages it held back:
     * the client sees its login reply before any message.
     */
    public void replyLogin(JsonObject reply, Runnable undelivered) {
        claimReply();
        telemetry.loggedIn(connection(), session.userId());
        byte[] frame = encode(reply);
        connection().loop().execute(() -> session.replyLoginInLoop(frame, undelivered));
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
        byte[] frame = encode(reply);
        if (frame != null) {
            connection().sendEncoded(frame);
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
