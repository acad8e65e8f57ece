package dev.clusterchat.chatd;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reliable client's place in one timeline (its inbox, or a group): the last seq it has, with no
 * gap below it, and the checks on each delivered seq (docs/PROTOCOL.md, "Reliable delivery").
 * A sender does not receive its own group messages, so their seqs (from the replies) count as had;
 * a message just after such a seq whose reply is still to come waits ("held") for it, and is taken
 * without waiting for the next sync.
 *
 * <pre>
 *   ... last | own / held ... |  a seq above last+1 with nothing to explain the gap: ORDER VIOLATION
 * </pre>
 *
 * Not thread-safe: its chatter's thread only.
 */
final class Timeline {
    /** Where accepted messages and findings go. */
    interface Sink {
        void accepted(Timeline t, long seq, JsonObject message);

        void redelivered(Timeline t, long seq);

        void violation(Timeline t, String what);
    }

    final long id;
    private long last;
    /** The highest seq seen on the current connection: one at or below it again is a repeat. */
    private long seenOnConnection;
    private final TreeSet<Long> own = new TreeSet<>();
    private final TreeMap<Long, JsonObject> held = new TreeMap<>();

    /** A timeline (0: the inbox, else the group's id) whose messages up to {@code last} the client has. */
    Timeline(long id, long last) {
        this.id = id;
        this.last = last;
    }

    long last() {
        return last;
    }

    boolean inbox() {
        return id == 0;
    }

    /** A sync from {@code last} is asked for: what follows it may come again, once. */
    void resync() {
        seenOnConnection = last;
    }

    /** A new connection: held messages were not taken, and the next sync sends them again. */
    void reconnected() {
        held.clear();
        seenOnConnection = 0;
    }

    /**
     * A message delivered at {@code seq} (live or in a sync reply). {@code ownInFlight}: the client
     * has a message to this timeline whose reply has not come, which may explain one missing seq.
     */
    void arrive(long seq, JsonObject message, boolean ownInFlight, Sink sink) {
        if (seq <= last || held.containsKey(seq)) {
            if (seq <= seenOnConnection) {
                sink.violation(this, "seq " + seq + " again on one connection (have up to " + last + ")");
            } else {
                sink.redelivered(this, seq);
            }
            seenOnConnection = Math.max(seenOnConnection, seq);
            return;
        }
        seenOnConnection = Math.max(seenOnConnection, seq);
        held.put(seq, message);
        advance(sink);
        if (!held.isEmpty() && missingBelow(held.lastKey()).size() > (ownInFlight ? 1 : 0)) {
            takeHeld(sink);
        }
    }

    /** The client's own message is at {@code seq} (from its reply, or an echo the server should not send). */
    void own(long seq, boolean ownInFlight, Sink sink) {
        if (seq > last) {
            own.add(seq);
        }
        advance(sink);
        if (!held.isEmpty() && !ownInFlight) {
            takeHeld(sink); // nothing left to explain the gap
        }
    }

    /** Takes what is held in seq order, each gap reported once. */
    private void takeHeld(Sink sink) {
        while (!held.isEmpty()) {
            long next = held.firstKey();
            sink.violation(this, "got seq " + next + " after " + last + ", missing " + missingBelow(next));
            last = next - 1;
            own.headSet(next).clear();
            advance(sink);
        }
    }

    private void advance(Sink sink) {
        while (true) {
            if (own.remove(last + 1)) {
                last++;
            } else if (held.containsKey(last + 1)) {
                last++;
                sink.accepted(this, last, held.remove(last));
            } else {
                return;
            }
        }
    }

    /** The seqs after last and below {@code limit} that are neither held nor the client's own. */
    private List<Long> missingBelow(long limit) {
        List<Long> missing = new ArrayList<>();
        for (long s = last + 1; s < limit; s++) {
            if (!own.contains(s) && !held.containsKey(s)) {
                missing.add(s);
            }
        }
        return missing;
    }
}
