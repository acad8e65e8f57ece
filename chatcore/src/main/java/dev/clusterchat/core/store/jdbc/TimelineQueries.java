package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.StoredMessage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of {@link JdbcStore}'s timeline reads, cursors and acknowledgements (appends are
 * {@link Appender}'s). Each method is one or two statements on a connection the caller holds.
 * Stateless.
 */
final class TimelineQueries {
    private static final String INBOX = "SELECT " + MessageRows.COLUMNS
            + " FROM message WHERE toid = ? AND seq > ? ORDER BY seq LIMIT ?";
    private static final String GROUP = "SELECT " + MessageRows.COLUMNS
            + " FROM message WHERE groupid = ? AND seq > ? ORDER BY seq LIMIT ?";
    /** One direction of a conversation, newest first: each branch reads at most a page off its index. */
    private static final String DIRECTION = "(SELECT " + MessageRows.COLUMNS
            + " FROM message WHERE toid = ? AND senderid = ? AND msgno < ? ORDER BY msgno DESC LIMIT ?)";
    private static final String CONVERSATION = DIRECTION + " UNION ALL " + DIRECTION + " ORDER BY 1 DESC LIMIT ?";
    private static final String GROUP_HISTORY = "SELECT " + MessageRows.COLUMNS
            + " FROM message WHERE groupid = ? AND msgno < ? ORDER BY msgno DESC LIMIT ?";
    private static final String INBOX_CURSOR = "SELECT acked, lastseq FROM inbox WHERE userid = ?";
    private static final String GROUP_CURSORS = "SELECT m.groupid, m.acked, COALESCE(s.lastseq, 0) FROM groupuser m "
            + "LEFT JOIN groupseq s ON s.groupid = m.groupid WHERE m.userid = ? ORDER BY m.groupid";
    private static final String ACK_INBOX = "UPDATE inbox SET acked = LEAST(?, lastseq) WHERE userid = ? AND acked < ?";
    private static final String ACK_GROUP = "UPDATE groupuser SET acked = LEAST(?, "
            + "COALESCE((SELECT s.lastseq FROM groupseq s WHERE s.groupid = ?), 0)) "
            + "WHERE groupid = ? AND userid = ? AND acked < ?";
    private static final String REWIND_INBOX = "UPDATE inbox SET acked = ? WHERE userid = ? AND acked > ?";
    private static final String REWIND_GROUP = "UPDATE groupuser SET acked = ? WHERE groupid = ? AND userid = ? "
            + "AND acked > ?";

    private TimelineQueries() {
    }

    /** A user's inbox (group 0) or a group's messages after a seq, in seq order. */
    static List<StoredMessage> after(Connection c, long groupId, long userId, long afterSeq, int limit)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(groupId == 0 ? INBOX : GROUP)) {
            return MessageRows.query(ps, groupId == 0 ? userId : groupId, afterSeq, limit);
        }
    }

    /** Both directions between two users below a msgno (0 or less: any), newest first. */
    static List<StoredMessage> conversation(Connection c, long a, long b, long beforeMsgno, int limit)
            throws SQLException {
        long before = beforeMsgno > 0 ? beforeMsgno : Long.MAX_VALUE;
        if (a == b) { // one direction only, or every message would come twice
            try (PreparedStatement ps = c.prepareStatement(DIRECTION)) {
                return MessageRows.query(ps, a, a, before, limit);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(CONVERSATION)) {
            return MessageRows.query(ps, a, b, before, limit, b, a, before, limit, limit);
        }
    }

    /** A group's messages below a msgno (0 or less: any), newest first. */
    static List<StoredMessage> groupHistory(Connection c, long groupId, long beforeMsgno, int limit)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GROUP_HISTORY)) {
            return MessageRows.query(ps, groupId, beforeMsgno > 0 ? beforeMsgno : Long.MAX_VALUE, limit);
        }
    }

    /** The inbox cursor (0, 0, 0 before any message), then one per group the user is in, by id. */
    static List<Cursor> cursors(Connection c, long userId) throws SQLException {
        List<Cursor> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(INBOX_CURSOR)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                result.add(rs.next() ? new Cursor(0, rs.getLong(1), rs.getLong(2)) : new Cursor(0, 0, 0));
            }
        }
        try (PreparedStatement ps = c.prepareStatement(GROUP_CURSORS)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Cursor(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return result;
    }

    /** Moves the position forward to {@code seq}, at most to the last seq; only for a member of a group. */
    static void ack(Connection c, long userId, long timeline, long seq) throws SQLException {
        if (timeline == 0) {
            update(c, ACK_INBOX, seq, userId, seq);
        } else {
            update(c, ACK_GROUP, seq, timeline, timeline, userId, seq);
        }
    }

    /** Moves the position back to {@code seq} (not below 0) if it is past it. */
    static void rewind(Connection c, long userId, long timeline, long seq) throws SQLException {
        long target = Math.max(seq, 0);
        if (timeline == 0) {
            update(c, REWIND_INBOX, target, userId, target);
        } else {
            update(c, REWIND_GROUP, target, timeline, userId, target);
        }
    }

    private static void update(Connection c, String sql, long... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setLong(i + 1, parameters[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Up to {@code limit} messages after a msgno, in msgno order. */
    static List<StoredMessage> stored(Connection c, long afterMsgno, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + MessageRows.COLUMNS + " FROM message "
                + "WHERE msgno > ? ORDER BY msgno LIMIT ?")) {
            return MessageRows.query(ps, afterMsgno, limit);
        }
    }

    /** Every acknowledged position past 0: inboxes, then group members. */
    static List<JdbcStore.Position> positions(Connection c) throws SQLException {
        List<JdbcStore.Position> positions = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT userid, acked FROM inbox WHERE acked > 0 ORDER BY userid")) {
                while (rs.next()) {
                    positions.add(new JdbcStore.Position(rs.getLong(1), 0, rs.getLong(2)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT userid, groupid, acked FROM groupuser WHERE acked > 0 "
                    + "ORDER BY userid, groupid")) {
                while (rs.next()) {
                    positions.add(new JdbcStore.Position(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return positions;
    }

    /** Deletes every message, counter and position (group positions go back to 0). */
    static void forget(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM message");
            st.executeUpdate("DELETE FROM inbox");
            st.executeUpdate("DELETE FROM groupseq");
            st.executeUpdate("UPDATE groupuser SET acked = 0 WHERE acked <> 0");
        }
    }
}
