package dev.clusterchat.core.service;

import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.StoredMessage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Reads a user's undelivered messages from the store, a page at a time: from given positions in
 * several timelines (the inbox is timeline 0, a group is its id), merged by msgno, each timeline in
 * seq order. The page includes the user's own group messages, which are not sent to it (see
 * {@link #visible}) but count as read.
 *
 * <p>Thread safety: stateless; call from worker threads (it blocks on the store).
 */
final class Backlog {
    /** Rows of one timeline read first, then twice as many at each refill, up to {@link #CHUNK}. */
    static final int FIRST_CHUNK = 4;
    /** The most rows read from one timeline at a time. */
    static final int CHUNK = 64;

    private Backlog() {
    }

    /**
     * A page: the messages to send, where each timeline read stands after them, and whether any
     * timeline has more.
     */
    record Page(List<Messages.Outgoing> messages, Map<Long, Long> reached, boolean more) {
    }

    /**
     * @param from     the last seq the client has, per timeline to read
     * @param limit    the most messages in the page (at least one is always taken if there is one)
     * @param maxBytes the most encoded bytes in the page (passed once at least one is in)
     */
    static Page read(ChatStore store, long userId, Map<Long, Long> from, int limit, int maxBytes) {
        PriorityQueue<Reader> heads = new PriorityQueue<>(Comparator.comparingLong(r -> r.next().msgno()));
        for (Map.Entry<Long, Long> e : from.entrySet()) {
            Reader r = new Reader(e.getKey(), e.getValue());
            if (r.fill(store, userId, limit)) {
                heads.add(r);
            }
        }
        Map<Long, Long> reached = new HashMap<>(from);
        List<Messages.Outgoing> page = new ArrayList<>();
        int bytes = 0;
        boolean unread = false;
        while (!heads.isEmpty() && page.size() < limit) {
            Reader r = heads.poll();
            StoredMessage m = r.next();
            Messages.Outgoing out = Messages.Outgoing.of(m);
            if (!own(m, userId)) {
                if (!page.isEmpty() && bytes + out.frame().length > maxBytes) {
                    heads.add(r);
                    break;
                }
                bytes += out.frame().length + 1;
            }
            page.add(out);
            reached.put(m.timeline(), m.seq());
            if (r.advance() || r.fill(store, userId, limit - page.size())) {
                heads.add(r);
            } else if (!r.exhausted) {
                unread = true; // the page is full before this timeline's next read: it may have more
            }
        }
        return new Page(page, reached, !heads.isEmpty() || unread);
    }

    /**
     * One timeline's messages after a position, read as the merge takes them: 4 rows first, then
     * twice as many each time up to 64 (never more than the page still needs), so that a page of
     * {@code limit} from many timelines reads about {@code limit} rows plus 4 per timeline, not
     * {@code limit} per timeline.
     */
    private static final class Reader {
        private final long timeline;
        private long after;
        private List<StoredMessage> buffer = List.of();
        private int index;
        private boolean exhausted;
        private int chunk = FIRST_CHUNK;

        Reader(long timeline, long after) {
            this.timeline = timeline;
            this.after = after;
        }

        StoredMessage next() {
            return buffer.get(index);
        }

        /** Moves past the next message; true if another is buffered. */
        boolean advance() {
            after = buffer.get(index).seq();
            return ++index < buffer.size();
        }

        /**
         * Reads the next chunk, at most {@code needed} rows; true if it holds a message (false once a
         * short read showed the end).
         */
        boolean fill(ChatStore store, long userId, int needed) {
            if (exhausted || needed <= 0) {
                return false;
            }
            int n = Math.min(chunk, needed);
            chunk = Math.min(CHUNK, chunk * 2);
            buffer = timeline == 0 ? store.inbox(userId, after, n) : store.groupMessages(timeline, after, n);
            index = 0;
            exhausted = buffer.size() < n;
            return !buffer.isEmpty();
        }
    }

    /** Whether this is the user's own group message, which is never sent to it. */
    static boolean own(StoredMessage m, long userId) {
        return m.isGroup() && m.senderId() == userId;
    }

    /** The page's messages the user is to see (its own group messages left out). */
    static List<Messages.Outgoing> visible(Page page, long userId) {
        List<Messages.Outgoing> out = new ArrayList<>(page.messages().size());
        for (Messages.Outgoing m : page.messages()) {
            if (!own(m.message(), userId)) {
                out.add(m);
            }
        }
        return out;
    }
}
