package dev.clusterchat.chatctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The last seq a client has in each timeline: {@link #INBOX} for its one-to-one messages ("useq"),
 * a group's id for that group ("gseqs"). Not thread-safe: its owner guards it.
 */
final class Positions {
    static final long INBOX = 0;

    /** Where a chat message stands: its timeline and its seq in it. */
    record Place(long timeline, long seq) {
        /** The place a chat message (msgid 6 with useq, 10 with groupid and gseq) names, or null. */
        static Place of(JsonObject m) {
            Place p = switch (Frame.msgidOf(m)) {
                case Requests.ONE_CHAT -> new Place(INBOX, Formats.number(m, "useq"));
                case Requests.GROUP_CHAT -> Formats.number(m, "groupid") > 0
                        ? new Place(Formats.number(m, "groupid"), Formats.number(m, "gseq")) : null;
                default -> null;
            };
            return p != null && p.seq > 0 ? p : null;
        }
    }

    private final Map<Long, Long> seqs = new TreeMap<>();

    /** The positions a login reply with {@code "ack":true} reports ("useq" and "gseqs"). */
    static Positions of(JsonObject loginReply) {
        Positions p = new Positions();
        p.seqs.put(INBOX, Formats.number(loginReply, "useq"));
        JsonElement g = loginReply.get("gseqs");
        if (g != null && g.isJsonObject()) {
            JsonObject groups = g.getAsJsonObject();
            for (String key : groups.keySet()) {
                try {
                    p.seqs.put(Long.parseLong(key), Formats.number(groups, key));
                } catch (NumberFormatException notAGroup) {
                    // not a group id: no timeline to ask for
                }
            }
        }
        return p;
    }

    Positions copy() {
        Positions p = new Positions();
        p.seqs.putAll(seqs);
        return p;
    }

    boolean has(long timeline) {
        return seqs.containsKey(timeline);
    }

    long get(long timeline) {
        return seqs.getOrDefault(timeline, 0L);
    }

    void set(long timeline, long seq) {
        seqs.put(timeline, seq);
    }

    /** Moves a timeline to {@code seq}; false if it is not past the current one (already had). */
    boolean advance(long timeline, long seq) {
        Long now = seqs.get(timeline);
        if (now != null && seq <= now) {
            return false;
        }
        seqs.put(timeline, seq);
        return true;
    }

    /** Sets every timeline to 0: everything still stored comes again. */
    void rewind() {
        seqs.replaceAll((t, seq) -> 0L);
    }

    /** The groups, in id order. */
    List<Long> groups() {
        List<Long> groups = new ArrayList<>(seqs.keySet());
        groups.remove(INBOX);
        return groups;
    }

    /** The timelines that stand past where they stand in {@code earlier} (or are not in it). */
    Positions pastThose(Positions earlier) {
        Positions p = new Positions();
        seqs.forEach((t, seq) -> {
            if (!earlier.seqs.containsKey(t) || seq > earlier.seqs.get(t)) {
                p.seqs.put(t, seq);
            }
        });
        return p;
    }

    /** Takes each timeline of {@code other} that stands further on. */
    void merge(Positions other) {
        other.seqs.forEach((t, seq) -> seqs.merge(t, seq, Math::max));
    }

    boolean isEmpty() {
        return seqs.isEmpty();
    }

    /** As the protocol's fields: "useq" for the inbox, "gseqs" for the groups. */
    void writeTo(JsonObject request) {
        if (seqs.containsKey(INBOX)) {
            request.addProperty("useq", seqs.get(INBOX));
        }
        JsonObject groups = new JsonObject();
        seqs.forEach((t, seq) -> {
            if (t != INBOX) {
                groups.addProperty(Long.toString(t), seq);
            }
        });
        if (groups.size() > 0) {
            request.add("gseqs", groups);
        }
    }

    /** "useq 17, group 1 gseq 5". */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        seqs.forEach((t, seq) -> parts.add(t == INBOX ? "useq " + seq : "group " + t + " gseq " + seq));
        return String.join(", ", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Positions p && seqs.equals(p.seqs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seqs);
    }
}
