package dev.clusterchat.core.store.journal;

import dev.clusterchat.core.store.StoredMessage;

import java.util.HashMap;
import java.util.Map;

/**
 * The journal's index, all in memory and rebuilt by replay at start: where each message's record is
 * (by msgno), each timeline's msgnos in seq order (inboxes and groups), each one-to-one
 * conversation's msgnos, the users' acknowledged positions, and every (sender, cmid) pair. About
 * 24 bytes per one-to-one message and 16 per group message, plus about 27 per cmid, with up to half
 * as much again while an array grows. Not thread-safe: {@link JournalStore} guards it.
 */
final class JournalIndex {
    private record Pair(long low, long high) {
        static Pair of(long a, long b) {
            return a < b ? new Pair(a, b) : new Pair(b, a);
        }
    }

    private record CursorKey(long userId, long timeline) {
    }

    private final LongList positions = new LongList();
    private final Map<Long, LongList> inboxes = new HashMap<>();
    private final Map<Long, LongList> groups = new HashMap<>();
    private final Map<Pair, LongList> conversations = new HashMap<>();
    private final Map<CursorKey, Long> acked = new HashMap<>();
    private final CmidMap cmids = new CmidMap();

    /** The msgno of the last message (msgnos increase; messages moved from H2 may leave holes). */
    long lastMsgno() {
        return positions.size();
    }

    /** The last seq of a timeline: a user's inbox ({@code groupId} 0) or a group. */
    long last(long userId, long groupId) {
        LongList list = groupId != 0 ? groups.get(groupId) : inboxes.get(userId);
        return list == null ? 0 : list.size();
    }

    /**
     * The msgno of the message stored under this sender's cmid, or 0; the caller checks the message
     * (another pair may share the hash).
     */
    long msgnoOf(long senderId, String cmid) {
        return cmid == null ? 0 : cmids.get(senderId, cmid);
    }

    /** Adds a message stored at {@code position}: its msgno must be above the last, its seq the next one. */
    void add(StoredMessage m, long position) {
        LongList timeline = m.isGroup() ? groups.computeIfAbsent(m.groupId(), k -> new LongList())
                : inboxes.computeIfAbsent(m.toId(), k -> new LongList());
        if (m.msgno() <= positions.size() || m.seq() != timeline.size() + 1) {
            throw new IllegalStateException("message journal out of order: msgno " + m.msgno() + " seq " + m.seq()
                    + " after msgno " + positions.size() + " seq " + timeline.size());
        }
        while (positions.size() < m.msgno() - 1) {
            positions.add(-1); // a hole in the msgnos of messages moved from H2
        }
        positions.add(position);
        timeline.add(m.msgno());
        if (!m.isGroup()) {
            conversations.computeIfAbsent(Pair.of(m.senderId(), m.toId()), k -> new LongList()).add(m.msgno());
        }
        if (m.cmid() != null) {
            cmids.put(m.senderId(), m.cmid(), m.msgno());
        }
    }

    /** Where the record of a message is. */
    long position(long msgno) {
        return positions.get((int) (msgno - 1));
    }

    /** Up to {@code limit} msgnos of a timeline after {@code afterSeq}, in seq order. */
    long[] after(long userId, long groupId, long afterSeq, int limit) {
        LongList list = groupId != 0 ? groups.get(groupId) : inboxes.get(userId);
        if (list == null || afterSeq >= list.size()) {
            return new long[0];
        }
        int from = (int) Math.max(0, afterSeq);
        int to = (int) Math.min(list.size(), (long) from + limit);
        long[] msgnos = new long[to - from];
        for (int i = from; i < to; i++) {
            msgnos[i - from] = list.get(i);
        }
        return msgnos;
    }

    /** Up to {@code limit} msgnos of a conversation below {@code beforeMsgno} (any if ≤ 0), newest first. */
    long[] conversationBefore(long a, long b, long beforeMsgno, int limit) {
        return before(conversations.get(Pair.of(a, b)), beforeMsgno, limit);
    }

    /** Up to {@code limit} msgnos of a group below {@code beforeMsgno} (any if ≤ 0), newest first. */
    long[] groupBefore(long groupId, long beforeMsgno, int limit) {
        return before(groups.get(groupId), beforeMsgno, limit);
    }

    private static long[] before(LongList list, long beforeMsgno, int limit) {
        if (list == null) {
            return new long[0];
        }
        int end = beforeMsgno <= 0 ? list.size() : list.countBelow(beforeMsgno);
        int n = Math.min(end, limit);
        long[] msgnos = new long[n];
        for (int i = 0; i < n; i++) {
            msgnos[i] = list.get(end - 1 - i);
        }
        return msgnos;
    }

    /** The user's acknowledged seq in a timeline (0: its inbox). */
    long acked(long userId, long timeline) {
        return acked.getOrDefault(new CursorKey(userId, timeline), 0L);
    }

    /** Applies a journaled cursor change (already clamped by whoever wrote it). */
    void apply(Records.CursorChange change) {
        CursorKey key = new CursorKey(change.userId(), change.timeline());
        switch (change.kind()) {
            case Records.ACK -> acked.merge(key, change.seq(), Math::max);
            case Records.REWIND -> acked.merge(key, change.seq(), Math::min);
            case Records.START -> acked.put(key, change.seq());
            default -> throw new IllegalStateException("unknown cursor change " + change.kind());
        }
    }
}
