package dev.clusterchat.chatd;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reliable chatter's requests on its current connection, to check that replies come in request
 * order (docs/PROTOCOL.md, Framing), and the last few things it sent and received, for reports.
 * Not thread-safe: its chatter's thread only.
 */
final class RequestTrace {
    private static final int EVENTS = 40;

    /** The seq and msgid of each request still to be answered, in request order. */
    private final Map<Long, Integer> unanswered = new LinkedHashMap<>();
    private final Deque<String> events = new ArrayDeque<>();
    private long requests;

    /** A new connection: nothing sent on it is waiting. */
    void newConnection() {
        unanswered.clear();
    }

    /** Gives the request the connection's next {@code seq} and returns it. */
    long sending(JsonObject req) {
        long seq = ++requests;
        req.addProperty("seq", seq);
        unanswered.put(seq, req.get("msgid").getAsInt());
        event("request " + cut(req.toString(), 120));
        return seq;
    }

    /** A reply carrying a seq; returns what it overtook, or null if it came in request order. */
    String answered(JsonObject reply) {
        long seq = reply.get("seq").getAsLong();
        Map.Entry<Long, Integer> first = unanswered.entrySet().stream().findFirst().orElse(null);
        boolean overtook = first != null && first.getKey() != seq && unanswered.containsKey(seq);
        unanswered.remove(seq);
        return overtook ? cut(reply.toString(), 160) + " came before the reply to request " + first.getKey()
                + " (msgid " + first.getValue() + ")" : null;
    }

    void event(String what) {
        if (events.size() == EVENTS) {
            events.removeFirst();
        }
        events.addLast(what);
    }

    /** The last events, one a line, indented for a report. */
    String recent() {
        return "\n      " + String.join("\n      ", events);
    }

    /** The seqs of a sync reply's messages, per timeline, as first..last ranges. */
    static String seqs(JsonArray msgs) {
        Map<String, String> ranges = new TreeMap<>();
        for (JsonElement e : msgs) {
            JsonObject m = e.getAsJsonObject();
            String key = m.has("gseq") ? "group" : "inbox";
            String seq = String.valueOf(m.get(m.has("gseq") ? "gseq" : "useq"));
            ranges.merge(key, seq + ".." + seq, (a, b) -> a.substring(0, a.indexOf("..")) + b.substring(b.indexOf("..")));
        }
        return ranges.toString();
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }
}
