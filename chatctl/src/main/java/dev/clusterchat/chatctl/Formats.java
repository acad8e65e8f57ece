package dev.clusterchat.chatctl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Readable text for replies and messages (the non---json output). Stateless. */
final class Formats {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private Formats() {
    }

    /** An incoming message: "[time] name(id) -> you: msg", "[time] group G: name(id): msg", else the JSON. */
    static String message(JsonObject m) {
        return switch (Frame.msgidOf(m)) {
            case Requests.ONE_CHAT -> "[" + s(m, "time") + "] " + s(m, "name") + "(" + s(m, "id") + ") -> you: "
                    + s(m, "msg");
            case Requests.GROUP_CHAT -> "[" + s(m, "time") + "] group " + s(m, "groupid") + ": "
                    + s(m, "name") + "(" + s(m, "id") + "): " + s(m, "msg");
            default -> String.valueOf(m);
        };
    }

    /** A message in a history, where some are the user's own: "[time] you -> 15: msg" for those sent to a user. */
    static String message(JsonObject m, long self) {
        if (Frame.msgidOf(m) == Requests.ONE_CHAT && number(m, "id") == self && number(m, "toid") != self) {
            return "[" + s(m, "time") + "] you -> " + s(m, "toid") + ": " + s(m, "msg");
        }
        return message(m);
    }

    /** One line for a successful reply to {@code request}. */
    static String reply(JsonObject request, JsonObject reply) {
        return switch (Frame.msgidOf(request)) {
            case Requests.REGISTER -> "registered id " + s(reply, "id");
            case Requests.LOGOUT -> "logged out";
            case Requests.ONE_CHAT -> "sent to " + s(request, "toid") + stored(reply, "useq");
            case Requests.ADD_FRIEND -> "added friend " + s(reply, "friendid") + " " + s(reply, "name")
                    + " (" + s(reply, "state") + ")";
            case Requests.CREATE_GROUP -> "created group " + s(reply, "groupid") + " " + s(reply, "groupname");
            case Requests.ADD_GROUP -> "joined group " + s(reply, "groupid") + " " + s(reply, "groupname");
            case Requests.GROUP_CHAT -> "sent to group " + s(request, "groupid") + " ("
                    + s(reply, "recipients") + " recipients)" + stored(reply, "gseq");
            case Requests.PING -> "pong " + s(reply, "time");
            default -> reply.toString();
        };
    }

    /**
     * Where a chat reply says the message was stored: ": msgno 9001, useq 17, stored 2024-07-19
     * 14:39:56.123", and " (dup: ...)" when the server had it already (a resend of its cmid).
     */
    private static String stored(JsonObject reply, String seq) {
        if (!reply.has("msgno")) {
            return ""; // a server from before reliable delivery
        }
        String where = ": msgno " + s(reply, "msgno") + ", " + seq + " " + s(reply, seq)
                + ", stored " + time(number(reply, "stime"));
        return flag(reply, "dup") ? where + " (dup: this cmid was stored before, not again)" : where;
    }

    /** Milliseconds since the epoch as local time, "yyyy-MM-dd HH:mm:ss.SSS". */
    private static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis).atZone(ZoneId.systemDefault()));
    }

    /**
     * The login reply as a readable block:
     * <pre>
     * logged in as zhang san (id 22)
     * friends:
     *   15 li si [online]
     * groups:
     *   1 devs: the team
     *     15 li si [online] creator
     * offline messages:
     *   [2024-07-19 14:39:56] li si(15) -> you: hi
     * </pre>
     */
    static List<String> login(JsonObject reply) {
        List<String> lines = new ArrayList<>();
        lines.add("logged in as " + s(reply, "name") + " (id " + s(reply, "id") + ")");
        JsonArray friends = array(reply, "friends");
        lines.add("friends:" + (friends.isEmpty() ? " none" : ""));
        for (JsonElement f : friends) {
            lines.add("  " + user(object(f)));
        }
        JsonArray groups = array(reply, "groups");
        lines.add("groups:" + (groups.isEmpty() ? " none" : ""));
        for (JsonElement e : groups) {
            JsonObject g = object(e);
            String desc = s(g, "groupdesc");
            lines.add("  " + s(g, "id") + " " + s(g, "groupname") + (desc.isEmpty() ? "" : ": " + desc));
            for (JsonElement u : array(g, "users")) {
                lines.add("    " + user(object(u)) + " " + s(object(u), "role"));
            }
        }
        if (reply.has("useq")) { // an acknowledging login: messages come by sync
            lines.add("acknowledged: " + Positions.of(reply));
            return lines;
        }
        List<JsonObject> offline = offline(reply);
        lines.add("offline messages:" + (offline.isEmpty() ? " none" : ""));
        for (JsonObject m : offline) {
            lines.add("  " + message(m));
        }
        return lines;
    }

    /** The login reply's offline messages, oldest first. */
    static List<JsonObject> offline(JsonObject loginReply) {
        List<JsonObject> messages = new ArrayList<>();
        for (JsonElement m : array(loginReply, "offlinemsg")) {
            messages.add(object(m));
        }
        return messages;
    }

    private static String user(JsonObject u) {
        return s(u, "id") + " " + s(u, "name") + " [" + s(u, "state") + "]";
    }

    /** A field as text: "" if absent or null. */
    static String s(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return "";
        }
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    /** "1 message", "3 messages". */
    static String messages(int n) {
        return n + (n == 1 ? " message" : " messages");
    }

    /** A number field; 0 if absent or not a number. */
    static long number(JsonObject o, String key) {
        try {
            JsonElement e = o.get(key);
            return e == null || e.isJsonNull() ? 0 : e.getAsLong();
        } catch (RuntimeException notANumber) {
            return 0;
        }
    }

    /** A boolean field; false if absent or not true. */
    static boolean flag(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }

    /** A list field; elements may also be JSON strings holding objects (the legacy shape). */
    static JsonArray array(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonArray() ? e.getAsJsonArray() : new JsonArray();
    }

    private static JsonObject object(JsonElement e) {
        if (e.isJsonObject()) {
            return e.getAsJsonObject();
        }
        try {
            JsonElement parsed = JsonParser.parseString(e.getAsString());
            return parsed.isJsonObject() ? parsed.getAsJsonObject() : new JsonObject();
        } catch (RuntimeException notAnObject) {
            return new JsonObject();
        }
    }
}
