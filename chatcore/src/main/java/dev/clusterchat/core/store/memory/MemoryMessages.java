package dev.clusterchat.core.store.memory;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.StoredMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link MemoryStore}'s messages: timelines (inboxes by user id, groups by group id), the
 * cmids seen, cursors and history, with the retention rule the store documents. Thread-safe: one
 * lock, held for a few map look-ups per message; nothing in it is linear in the number of
 * messages kept except the history scans.
 */
final class MemoryMessages {
    private final int history;
    private final Map<Long, Timeline> inboxes = new HashMap<>();
    private final Map<Long, Timeline> groups = new HashMap<>();
    private final Map<CmidKey, StoredMessage> byCmid = new HashMap<>();
    private long lastMsgno;
    private boolean closed;

    private record CmidKey(long senderId, String cmid) {
    }

    MemoryMessages(int history) {
        this.history = history;
    }

    /** Thread-safe: appends checked messages, in order. */
    synchronized List<Appended> append(List<NewMessage> messages) {
        checkOpen();
        long now = System.currentTimeMillis();
        List<Appended> result = new ArrayList<>(messages.size());
        for (NewMessage n : messages) {
            CmidKey key = n.cmid() == null ? null : new CmidKey(n.senderId(), n.cmid());
            StoredMessage earlier = key == null ? null : byCmid.get(key);
            if (earlier != null) {
                result.add(new Appended(earlier, true));
                continue;
            }
            Timeline t = n.isGroup() ? timeline(groups, n.groupId()) : inbox(n.toId());
            StoredMessage m = new StoredMessage(++lastMsgno, t.lastSeq() + 1, n.senderId(), n.senderName(),
                    n.toId(), n.groupId(), n.cmid(), n.text(), n.time(), now);
            t.add(m);
            if (key != null) {
                byCmid.put(key, m);
            }
            trim(t);
            result.add(new Appended(m, false));
        }
        return result;
    }

    /** Thread-safe: makes the user follow the group from its last seq on (no-op for a follower). */
    synchronized void join(long groupId, long userId) {
        checkOpen();
        Timeline t = timeline(groups, groupId);
        if (!t.follows(userId)) {
            t.setAcked(userId, t.lastSeq());
        }
    }

    /** Thread-safe: the user's inbox cursor, then one per group of {@code groupIds} (ordered by id). */
    synchronized List<Cursor> cursors(long userId, List<Long> groupIds) {
        checkOpen();
        List<Cursor> result = new ArrayList<>(groupIds.size() + 1);
        Timeline inbox = inboxes.get(userId);
        result.add(inbox == null ? new Cursor(0, 0, 0) : new Cursor(0, inbox.acked(userId), inbox.lastSeq()));
        for (long g : groupIds) {
            Timeline t = groups.get(g);
            result.add(t == null ? new Cursor(g, 0, 0) : new Cursor(g, t.acked(userId), t.lastSeq()));
        }
        return result;
    }

    /** Thread-safe: moves a follower's position forward to {@code seq}, at most to the last seq. */
    synchronized void ack(long userId, long timeline, long seq) {
        Timeline t = followed(userId, timeline);
        if (t != null && Math.min(seq, t.lastSeq()) > t.acked(userId)) {
            t.setAcked(userId, Math.min(seq, t.lastSeq()));
            trim(t);
        }
    }

    /** Thread-safe: moves a follower's position back to {@code seq}, not below 0. */
    synchronized void rewind(long userId, long timeline, long seq) {
        Timeline t = followed(userId, timeline);
        long target = Math.max(seq, 0);
        if (t != null && target < t.acked(userId)) {
            t.setAcked(userId, target);
        }
    }

    /** Thread-safe: kept messages of the inbox or group after {@code afterSeq}, in seq order. */
    synchronized List<StoredMessage> after(boolean group, long id, long afterSeq, int limit) {
        checkOpen();
        Timeline t = (group ? groups : inboxes).get(id);
        return t == null ? List.of() : t.after(afterSeq, limit);
    }

    /** Thread-safe: kept messages between a and b, both ways, below {@code beforeMsgno}, newest first. */
    synchronized List<StoredMessage> conversation(long a, long b, long beforeMsgno, int limit) {
        checkOpen();
        Scan toA = new Scan(inboxes.get(a), b, beforeMsgno);
        Scan toB = new Scan(a == b ? null : inboxes.get(b), a, beforeMsgno); // to oneself: one direction
        List<StoredMessage> result = new ArrayList<>();
        while (result.size() < limit) {
            StoredMessage x = toA.peek();
            StoredMessage y = toB.peek();
            if (x == null && y == null) {
                break;
            }
            result.add(y == null || (x != null && x.msgno() > y.msgno()) ? toA.take() : toB.take());
        }
        return result;
    }

    /** Thread-safe: kept messages of the group below {@code beforeMsgno}, newest first. */
    synchronized List<StoredMessage> groupHistory(long groupId, long beforeMsgno, int limit) {
        checkOpen();
        Scan scan = new Scan(groups.get(groupId), 0, beforeMsgno);
        List<StoredMessage> result = new ArrayList<>();
        while (result.size() < limit && scan.peek() != null) {
            result.add(scan.take());
        }
        return result;
    }

    /** Thread-safe, idempotent: drops everything; later calls fail. */
    synchronized void close() {
        closed = true;
        inboxes.clear();
        groups.clear();
        byCmid.clear();
    }

    /** The timeline (0: the user's inbox) if the user follows it, else null; fails if closed. */
    private Timeline followed(long userId, long timeline) {
        checkOpen();
        Timeline t = timeline == 0 ? inboxes.get(userId) : groups.get(timeline);
        return t != null && t.follows(userId) ? t : null;
    }

    private Timeline inbox(long userId) {
        Timeline t = inboxes.get(userId);
        if (t == null) {
            t = new Timeline();
            t.setAcked(userId, 0);
            inboxes.put(userId, t);
        }
        return t;
    }

    private static Timeline timeline(Map<Long, Timeline> map, long id) {
        return map.computeIfAbsent(id, k -> new Timeline());
    }

    /** Drops what the retention rule lets go, with its cmid (a resend after that is a new message). */
    private void trim(Timeline t) {
        for (StoredMessage m = t.dropOldest(history); m != null; m = t.dropOldest(history)) {
            if (m.cmid() != null) {
                byCmid.remove(new CmidKey(m.senderId(), m.cmid()), m);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("memory store is closed");
        }
    }

    /** Walks a timeline from its newest message back, over messages from one sender (0: any) below a msgno. */
    private static final class Scan {
        private final Timeline t;
        private final long senderId;
        private final long beforeMsgno;
        private long seq;

        Scan(Timeline t, long senderId, long beforeMsgno) {
            this.t = t;
            this.senderId = senderId;
            this.beforeMsgno = beforeMsgno > 0 ? beforeMsgno : Long.MAX_VALUE;
            this.seq = t == null ? 0 : t.lastSeq();
        }

        StoredMessage peek() {
            for (; t != null && seq >= t.firstSeq(); seq--) {
                StoredMessage m = t.get(seq);
                if (m.msgno() < beforeMsgno && (senderId == 0 || m.senderId() == senderId)) {
                    return m;
                }
            }
            return null;
        }

        StoredMessage take() {
            StoredMessage m = peek();
            seq--;
            return m;
        }
    }
}
