package dev.clusterchat.core.store.memory;

import dev.clusterchat.core.store.StoredMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One timeline of the {@link MemoryStore} (a user's inbox, or a group): the messages it still keeps,
 * oldest first, and the acknowledged position of everyone who follows it (the inbox's owner, or
 * the group's members). Kept messages are seqs {@code firstSeq()..lastSeq()}, in a ring:
 * <pre>
 *   ring: [ .. | first (head) | ... | last | .. ]   seq s is at (head + s - firstSeq) % ring.length
 * </pre>
 * Not thread-safe: {@link MemoryMessages} guards every timeline with its lock.
 */
final class Timeline {
    private static final int MIN_CAPACITY = 16;

    private StoredMessage[] ring = new StoredMessage[MIN_CAPACITY];
    private int head;
    private int size;
    private long lastSeq;
    private final Map<Long, Long> acked = new HashMap<>();
    /** How many followers stand at each acknowledged position: its first key is the lowest. */
    private final TreeMap<Long, Integer> positions = new TreeMap<>();

    long lastSeq() {
        return lastSeq;
    }

    long firstSeq() {
        return lastSeq - size + 1;
    }

    int size() {
        return size;
    }

    /** Adds the message with seq {@code lastSeq() + 1}. */
    void add(StoredMessage m) {
        if (m.seq() != lastSeq + 1) {
            throw new IllegalStateException("seq " + m.seq() + " does not follow " + lastSeq);
        }
        if (size == ring.length) {
            resize(ring.length * 2);
        }
        ring[(head + size) % ring.length] = m;
        size++;
        lastSeq = m.seq();
    }

    /** The kept message with this seq ({@code firstSeq() <= seq <= lastSeq()}). */
    StoredMessage get(long seq) {
        return ring[(int) ((head + (seq - firstSeq())) % ring.length)];
    }

    /** Kept messages after {@code afterSeq}, oldest first, at most {@code limit}. */
    List<StoredMessage> after(long afterSeq, int limit) {
        long from = Math.max(afterSeq + 1, firstSeq());
        List<StoredMessage> result = new ArrayList<>();
        for (long seq = from; seq <= lastSeq && result.size() < limit; seq++) {
            result.add(get(seq));
        }
        return result;
    }

    /**
     * Drops the oldest message if more than {@code keep} are kept and every follower acknowledged
     * it, and returns it; null if there is nothing to drop.
     */
    StoredMessage dropOldest(int keep) {
        if (size <= keep || firstSeq() > lowestAcked()) {
            return null;
        }
        StoredMessage m = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        if (ring.length > MIN_CAPACITY && size <= ring.length / 4) {
            resize(ring.length / 2);
        }
        return m;
    }

    boolean follows(long userId) {
        return acked.containsKey(userId);
    }

    /** The follower's acknowledged seq; for someone who does not follow, the last seq. */
    long acked(long userId) {
        return acked.getOrDefault(userId, lastSeq);
    }

    /** Sets a follower's acknowledged seq (a new follower starts following). */
    void setAcked(long userId, long seq) {
        Long old = acked.put(userId, seq);
        if (old != null) {
            positions.computeIfPresent(old, (k, n) -> n == 1 ? null : n - 1);
        }
        positions.merge(seq, 1, Integer::sum);
    }

    /** The lowest acknowledged seq of all followers; with none, everything counts as acknowledged. */
    private long lowestAcked() {
        return positions.isEmpty() ? Long.MAX_VALUE : positions.firstKey();
    }

    private void resize(int capacity) {
        StoredMessage[] copy = new StoredMessage[capacity];
        for (int i = 0; i < size; i++) {
            copy[i] = ring[(head + i) % ring.length];
        }
        ring = copy;
        head = 0;
    }
}
