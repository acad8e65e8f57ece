package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.StoredMessage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The columns of a stored message, and how to read them and bind parameters. Stateless. */
final class MessageRows {
    /** The select list {@link #read} reads, in order. */
    static final String COLUMNS = "msgno, seq, senderid, sendername, COALESCE(toid, 0), COALESCE(groupid, 0), "
            + "cmid, body, ctime, stime";

    private MessageRows() {
    }

    /** Reads the current row of a result set selected with {@link #COLUMNS}. */
    static StoredMessage read(ResultSet rs) throws SQLException {
        return new StoredMessage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getLong(5),
                rs.getLong(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getLong(10));
    }

    /** Binds long parameters from index 1 on, runs the query and reads every row. */
    static List<StoredMessage> query(PreparedStatement ps, long... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            ps.setLong(i + 1, parameters[i]);
        }
        List<StoredMessage> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                result.add(read(rs));
            }
        }
        return result;
    }

    /** {@code n} question marks separated by commas, for an IN list. */
    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
