package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.StoredMessage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link JdbcStore#append}'s transaction, in a handful of round trips whatever the batch size:
 * <pre>
 *   1. SELECT the messages already stored under the batch's (sender, cmid) pairs    (one query*)
 *   2. upsert inbox.lastseq += n, then groupseq.lastseq += n, each in key order     (two batches)
 *      and read the new values back                                                 (two queries)
 *   3. INSERT the new messages with the seqs reserved, msgnos from generated keys  (one batch)
 *   (* one per 500 cmids)
 * </pre>
 * Step 2 locks every counter row the batch needs, always in the same order (inboxes by user id,
 * then groups by id), so concurrent appenders on any number of nodes queue there instead of
 * deadlocking, and seqs stay gapless: a counter moves only with the rows that use its seqs. A
 * concurrent append of the same sender and cmid ends in a unique-key violation in step 3: the
 * transaction is rolled back and run again, and step 1 then finds the winner's message. (On H2,
 * {@link JdbcStore} runs one append at a time per database: see {@link AppendGate}.) Stateless.
 */
final class Appender {
    private static final int MAX_ATTEMPTS = 3;
    /** Look-ups per query in step 1 (a batch of a few hundred takes one query). */
    private static final int MAX_BRANCHES = 500;
    private static final String RESERVE_INBOX = "INSERT INTO inbox (userid, lastseq, acked) VALUES (?, ?, 0) "
            + "ON DUPLICATE KEY UPDATE lastseq = lastseq + VALUES(lastseq)";
    private static final String RESERVE_GROUP = "INSERT INTO groupseq (groupid, lastseq) VALUES (?, ?) "
            + "ON DUPLICATE KEY UPDATE lastseq = lastseq + VALUES(lastseq)";
    private static final String INSERT = "INSERT INTO message "
            + "(seq, senderid, sendername, toid, groupid, cmid, body, ctime, stime) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private record CmidKey(long senderId, String cmid) {
    }

    private Appender() {
    }

    /** Appends checked, non-empty messages on a connection in a transaction; the caller commits. */
    static List<Appended> append(Connection c, List<NewMessage> messages) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return appendOnce(c, messages);
            } catch (SQLException e) {
                if (attempt == MAX_ATTEMPTS || !Dialect.isDuplicateKey(e)) {
                    throw e;
                }
                c.rollback(); // a concurrent twin won: the next attempt finds it in step 1
            }
        }
    }

    private static List<Appended> appendOnce(Connection c, List<NewMessage> messages) throws SQLException {
        Map<CmidKey, StoredMessage> stored = storedByCmid(c, messages);
        Appended[] result = new Appended[messages.size()];
        Map<CmidKey, Integer> firstInBatch = new HashMap<>();
        List<Integer> fresh = new ArrayList<>();
        TreeMap<Long, Long> inboxCounts = new TreeMap<>();
        TreeMap<Long, Long> groupCounts = new TreeMap<>();
        for (int i = 0; i < messages.size(); i++) {
            NewMessage m = messages.get(i);
            CmidKey key = m.cmid() == null ? null : new CmidKey(m.senderId(), m.cmid());
            if (key != null && stored.containsKey(key)) {
                result[i] = new Appended(stored.get(key), true);
            } else if (key != null && firstInBatch.containsKey(key)) {
                result[i] = null; // filled in below, once the first one is stored
            } else {
                if (key != null) {
                    firstInBatch.put(key, i);
                }
                fresh.add(i);
                (m.isGroup() ? groupCounts : inboxCounts).merge(m.isGroup() ? m.groupId() : m.toId(), 1L, Long::sum);
            }
        }
        Map<Long, Long> nextInbox = reserve(c, RESERVE_INBOX, "SELECT userid, lastseq FROM inbox WHERE userid IN (",
                inboxCounts);
        Map<Long, Long> nextGroup = reserve(c, RESERVE_GROUP,
                "SELECT groupid, lastseq FROM groupseq WHERE groupid IN (", groupCounts);
        insert(c, messages, fresh, nextInbox, nextGroup, result);
        for (int i = 0; i < messages.size(); i++) {
            if (result[i] == null) {
                NewMessage m = messages.get(i);
                result[i] = new Appended(result[firstInBatch.get(new CmidKey(m.senderId(), m.cmid()))].message(), true);
            }
        }
        return List.of(result);
    }

    /**
     * Step 1: the stored messages of the batch's (sender, cmid) pairs, in one query with a branch
     * per pair (an equality on both columns of the unique key: a point look-up in H2 too, which
     * would scan all of a sender's messages for {@code senderid = ? AND cmid IN (...)}).
     */
    private static Map<CmidKey, StoredMessage> storedByCmid(Connection c, List<NewMessage> messages)
            throws SQLException {
        Set<CmidKey> keys = new LinkedHashSet<>();
        for (NewMessage m : messages) {
            if (m.cmid() != null) {
                keys.add(new CmidKey(m.senderId(), m.cmid()));
            }
        }
        Map<CmidKey, StoredMessage> result = new HashMap<>();
        List<CmidKey> all = new ArrayList<>(keys);
        String branch = "SELECT " + MessageRows.COLUMNS + " FROM message WHERE senderid = ? AND cmid = ?";
        for (int from = 0; from < all.size(); from += MAX_BRANCHES) {
            List<CmidKey> chunk = all.subList(from, Math.min(all.size(), from + MAX_BRANCHES));
            try (PreparedStatement ps = c.prepareStatement(String.join(" UNION ALL ",
                    Collections.nCopies(chunk.size(), branch)))) {
                int p = 1;
                for (CmidKey key : chunk) {
                    ps.setLong(p++, key.senderId());
                    ps.setString(p++, key.cmid());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        StoredMessage m = MessageRows.read(rs);
                        result.put(new CmidKey(m.senderId(), m.cmid()), m);
                    }
                }
            }
        }
        return result;
    }

    /**
     * Step 2: adds each count to its counter, in key order, and returns each timeline's first new
     * seq; the counter rows stay locked (by the upsert) until the transaction ends.
     */
    private static Map<Long, Long> reserve(Connection c, String upsert, String selectIn, TreeMap<Long, Long> counts)
            throws SQLException {
        Map<Long, Long> next = new HashMap<>();
        if (counts.isEmpty()) {
            return next;
        }
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
            for (Map.Entry<Long, Long> e : counts.entrySet()) {
                ps.setLong(1, e.getKey());
                ps.setLong(2, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        // a plain read: the upsert holds these rows locked, and a transaction reads its own changes;
        // FOR UPDATE would lock every row a range scan of the IN list passes, those of other appenders'
        // timelines too, and deadlock with them (seen with two appenders at ~30,000 msgs/s on MariaDB)
        try (PreparedStatement ps = c.prepareStatement(selectIn + MessageRows.placeholders(counts.size()) + ")")) {
            int p = 1;
            for (long key : counts.keySet()) {
                ps.setLong(p++, key);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long key = rs.getLong(1);
                    next.put(key, rs.getLong(2) - counts.get(key) + 1);
                }
            }
        }
        if (next.size() != counts.size()) {
            throw new SQLException("counter rows missing after the upsert: " + counts.keySet() + " vs " + next.keySet());
        }
        return next;
    }

    /** Step 3: inserts the new messages in batch order with their seqs, and fills in their results. */
    private static void insert(Connection c, List<NewMessage> messages, List<Integer> fresh,
                               Map<Long, Long> nextInbox, Map<Long, Long> nextGroup, Appended[] result)
            throws SQLException {
        if (fresh.isEmpty()) {
            return;
        }
        long stime = System.currentTimeMillis();
        long[] seqs = new long[fresh.size()];
        try (PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"msgno"})) {
            for (int k = 0; k < fresh.size(); k++) {
                NewMessage m = messages.get(fresh.get(k));
                Map<Long, Long> next = m.isGroup() ? nextGroup : nextInbox;
                long timeline = m.isGroup() ? m.groupId() : m.toId();
                seqs[k] = next.merge(timeline, 1L, Long::sum) - 1;
                ps.setLong(1, seqs[k]);
                ps.setLong(2, m.senderId());
                ps.setString(3, m.senderName());
                setId(ps, 4, m.toId());
                setId(ps, 5, m.groupId());
                ps.setString(6, m.cmid());
                ps.setString(7, m.text());
                ps.setString(8, m.time());
                ps.setLong(9, stime);
                ps.addBatch();
            }
            ps.executeBatch();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                for (int k = 0; k < fresh.size(); k++) {
                    if (!keys.next()) {
                        throw new SQLException("the database returned " + k + " generated msgnos for "
                                + fresh.size() + " messages");
                    }
                    NewMessage m = messages.get(fresh.get(k));
                    result[fresh.get(k)] = new Appended(new StoredMessage(keys.getLong(1), seqs[k], m.senderId(),
                            m.senderName(), m.toId(), m.groupId(), m.cmid(), m.text(), m.time(), stime), false);
                }
            }
        }
    }

    /** An id column that is NULL when not used (0), so that the unique keys on it ignore the row. */
    private static void setId(PreparedStatement ps, int index, long id) throws SQLException {
        if (id == 0) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, id);
        }
    }
}
