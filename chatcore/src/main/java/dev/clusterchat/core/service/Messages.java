package dev.clusterchat.core.service;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.StoredMessage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Stored chat messages as the client sees them: msgid 6 or 10 with the sender's id and name, the
 * text, the time, and {@code msgno}, {@code useq} or {@code gseq}, {@code stime}. Stateless.
 */
final class Messages {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Messages() {
    }

    /** A stored message with its encoding, made once and shared by every recipient. */
    record Outgoing(StoredMessage message, String json, byte[] frame) {
        static Outgoing of(StoredMessage m) {
            String json = encode(m);
            return new Outgoing(m, json, json.getBytes(StandardCharsets.UTF_8));
        }

        /** A message another node encoded; null if it is not one (logged by the caller). */
        static Outgoing parse(String json) {
            StoredMessage m = fromJson(JsonParser.parseString(json).getAsJsonObject());
            return m == null ? null : new Outgoing(m, json, json.getBytes(StandardCharsets.UTF_8));
        }

        long timeline() {
            return message.timeline();
        }

        long seq() {
            return message.seq();
        }
    }

    /**
     * Puts a user's positions into a reply as the protocol names them: {@code useq} (timeline 0,
     * the inbox) and {@code gseqs} (group id → seq). Thread-safe.
     */
    static void putPositions(JsonObject reply, Map<Long, Long> positions) {
        reply.addProperty("useq", positions.getOrDefault(0L, 0L));
        JsonObject gseqs = new JsonObject();
        positions.forEach((t, seq) -> {
            if (t != 0) {
                gseqs.addProperty(Long.toString(t), seq);
            }
        });
        reply.add("gseqs", gseqs);
    }

    /**
     * {@code toJson(m).toString()}, character for character, written directly: every stored
     * message is encoded once, on the commit's path, and building a JsonObject for it cost more
     * than storing it (BENCHMARKS.md). Thread-safe.
     */
    static String encode(StoredMessage m) {
        StringBuilder b = new StringBuilder(128 + m.text().length());
        b.append("{\"msgid\":").append(m.isGroup() ? MsgId.GROUP_CHAT : MsgId.ONE_CHAT);
        b.append(",\"id\":").append(m.senderId());
        b.append(",\"name\":");
        JsonText.quote(b, m.senderName());
        b.append(m.isGroup() ? ",\"groupid\":" : ",\"toid\":").append(m.isGroup() ? m.groupId() : m.toId());
        b.append(",\"msg\":");
        JsonText.quote(b, m.text());
        b.append(",\"time\":");
        JsonText.quote(b, time(m));
        b.append(",\"msgno\":").append(m.msgno());
        b.append(m.isGroup() ? ",\"gseq\":" : ",\"useq\":").append(m.seq());
        b.append(",\"stime\":").append(m.stime()).append('}');
        return b.toString();
    }

    /** The client's time, or the server's time of storing as the seed client shows times. */
    private static String time(StoredMessage m) {
        if (m.time() != null) {
            return m.time();
        }
        long second = Math.floorDiv(m.stime(), 1000);
        FormattedSecond last = lastSecond;
        if (last.second() != second) {
            last = new FormattedSecond(second,
                    LocalDateTime.ofInstant(Instant.ofEpochSecond(second), ZoneId.systemDefault()).format(TIME));
            lastSecond = last;
        }
        return last.text();
    }

    /** The last second formatted (messages stored in one second share it); replaced whole, never changed. */
    private record FormattedSecond(long second, String text) {
    }

    private static volatile FormattedSecond lastSecond = new FormattedSecond(Long.MIN_VALUE, "");

    static JsonObject toJson(StoredMessage m) {
        JsonObject o = new JsonObject();
        o.addProperty("msgid", m.isGroup() ? MsgId.GROUP_CHAT : MsgId.ONE_CHAT);
        o.addProperty("id", m.senderId());
        o.addProperty("name", m.senderName());
        if (m.isGroup()) {
            o.addProperty("groupid", m.groupId());
        } else {
            o.addProperty("toid", m.toId());
        }
        o.addProperty("msg", m.text());
        o.addProperty("time", time(m));
        o.addProperty("msgno", m.msgno());
        o.addProperty(m.isGroup() ? "gseq" : "useq", m.seq());
        o.addProperty("stime", m.stime());
        return o;
    }

    /** The stored message a delivered frame carries, or null if the object is not one. */
    static StoredMessage fromJson(JsonObject o) {
        long msgid = longOr(o, "msgid", 0);
        boolean group = msgid == MsgId.GROUP_CHAT;
        if (!group && msgid != MsgId.ONE_CHAT) {
            return null;
        }
        long seq = longOr(o, group ? "gseq" : "useq", 0);
        long msgno = longOr(o, "msgno", 0);
        long target = longOr(o, group ? "groupid" : "toid", 0);
        if (seq <= 0 || msgno <= 0 || target <= 0) {
            return null;
        }
        return new StoredMessage(msgno, seq, longOr(o, "id", 0), stringOr(o, "name"), group ? 0 : target,
                group ? target : 0, null, stringOr(o, "msg"), stringOr(o, "time"), longOr(o, "stime", 0));
    }

    private static long longOr(JsonObject o, String field, long fallback) {
        JsonElement e = o.get(field);
        return e instanceof JsonPrimitive p && p.isNumber() ? p.getAsLong() : fallback;
    }

    private static String stringOr(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
    }
}
