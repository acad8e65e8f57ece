package dev.clusterchat.core.store.jdbc;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.MessageLimits;
import dev.clusterchat.core.store.NewMessage;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The upgrade from the old offline store: a database made by an earlier release may still hold rows
 * in {@code offlinemessage} (messages kept for users who were offline, never delivered). Each row
 * becomes a message in its recipient's inbox, in id order, appended by {@link Appender} as any other
 * message is; then the table goes. Stateless.
 *
 * <p>Crash-safe and idempotent: each batch of rows is appended and deleted in one transaction, and
 * the table is dropped (DDL commits on its own on H2 and MariaDB) only once it is empty, so a run cut
 * short anywhere is finished by the next one. MariaDB nodes that start at once queue on the rows'
 * locks and share the work (an embedded H2 database is opened by one process only).
 */
final class OfflineMigration {
    private static final Logger LOG = Logger.getLogger(OfflineMigration.class.getName());
    static final String TABLE = "offlinemessage";
    private static final int BATCH = 500;
    /** Rows for no user (the old server never stored any) have no inbox to go to: they stay. */
    private static final String NEXT_ROWS = "SELECT id, userid, message FROM offlinemessage WHERE userid > 0 "
            + "ORDER BY id LIMIT " + BATCH + " FOR UPDATE";
    private static final String DELETE = "DELETE FROM offlinemessage WHERE id IN (";
    /** A table that is not there: another process finished the move and dropped it. */
    private static final String NO_SUCH_TABLE = "42S02";

    private record Row(long id, long userId, String message) {
    }

    private OfflineMigration() {
    }

    /**
     * Moves every row of the old offline store into the inboxes and drops the table once it is empty;
     * does nothing if there is no such table. Takes a connection in autocommit mode, and leaves it so.
     */
    static void run(Connection c) throws SQLException {
        if (!exists(c)) {
            return;
        }
        try {
            int moved = moveAll(c);
            long left = count(c);
            if (left == 0) {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + TABLE);
                }
            } else {
                LOG.warning(TABLE + " keeps " + left + " rows for no user (userid <= 0); the table stays");
            }
            LOG.info("moved " + moved + " messages of the old offline store into the inboxes"
                    + (left == 0 ? " and dropped table " + TABLE : ""));
        } catch (SQLException e) {
            if (!NO_SUCH_TABLE.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /**
     * The message a row becomes. The old server stored the chat frame itself, {@code {"msgid":6,
     * "id","name","toid","msg","time"}} (msgid 10 with {@code "groupid"} for a group), so the sender's
     * id and name, the text and the time come from it. A row that is not such a frame, or does not fit
     * the store's limits, becomes a message from sender 0 (no name) whose text is what was stored.
     */
    static NewMessage message(long userId, String stored) {
        try {
            JsonObject o = JsonParser.parseString(stored).getAsJsonObject();
            NewMessage m = NewMessage.direct(Fields.id(o, "id"), Fields.text(o, "name", ChatStore.MAX_NAME_LENGTH),
                    userId, null, Fields.text(o, "msg", Integer.MAX_VALUE),
                    Fields.optionalText(o, "time", MessageLimits.MAX_TIME_LENGTH, null));
            return MessageLimits.check(List.of(m)).get(0);
        } catch (JsonParseException | IllegalStateException | ChatException | IllegalArgumentException e) {
            return NewMessage.direct(0, "", userId, null, stored, null);
        }
    }

    /** The rows in batches, each appended and deleted in one transaction; returns how many moved. */
    private static int moveAll(Connection c) throws SQLException {
        int moved = 0;
        c.setAutoCommit(false);
        try {
            for (List<Row> rows = nextRows(c); !rows.isEmpty(); rows = nextRows(c)) {
                Appender.append(c, rows.stream().map(r -> message(r.userId(), r.message())).toList());
                if (delete(c, rows) == rows.size()) {
                    c.commit();
                    moved += rows.size();
                } else {
                    c.rollback(); // a retried append let go of the rows' locks and someone else moved some
                }
            }
        } finally {
            c.rollback(); // a batch cut short is undone before autocommit (which would commit it) comes back
            c.setAutoCommit(true);
        }
        return moved;
    }

    private static List<Row> nextRows(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(NEXT_ROWS)) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getString(3)));
            }
        }
        return rows;
    }

    private static int delete(Connection c, List<Row> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE + MessageRows.placeholders(rows.size()) + ")")) {
            for (int i = 0; i < rows.size(); i++) {
                ps.setLong(i + 1, rows.get(i).id());
            }
            return ps.executeUpdate();
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean exists(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String name = meta.storesUpperCaseIdentifiers() ? TABLE.toUpperCase(Locale.ROOT) : TABLE;
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), name, null)) {
            return rs.next();
        }
    }
}
