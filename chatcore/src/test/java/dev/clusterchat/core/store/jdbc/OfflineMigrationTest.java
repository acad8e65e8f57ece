package dev.clusterchat.core.store.jdbc;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.testsupport.TrickyText;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The upgrade from the old offline store ({@link OfflineMigration}) on a real database: each test
 * makes the table as an earlier release did, fills it as the old server did, and opens the store,
 * which applies the schema as chatd does at every start. Each database's test supplies an empty
 * database per test.
 */
abstract class OfflineMigrationTest {
    /** The table as an earlier release's schema.sql made it. */
    private static final String OLD_TABLE = """
            CREATE TABLE offlinemessage (
                id         BIGINT     NOT NULL AUTO_INCREMENT,
                userid     BIGINT     NOT NULL,
                message    MEDIUMTEXT NOT NULL,
                created_at DATETIME   NOT NULL DEFAULT CURRENT_TIMESTAMP,
                PRIMARY KEY (id),
                KEY idx_offlinemessage_userid (userid, id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin""";
    private static final PasswordHash PW = new PasswordHash("x", 1, new byte[0], new byte[0]);
    private static final String TIME = "2024-07-19 14:39:56";

    /** Opens a store on this test's database, applying the schema. */
    protected abstract JdbcStore open();

    /** A plain connection to this test's database, in autocommit mode. */
    protected abstract Connection connect() throws SQLException;

    /** A stored row: the recipient and what the old server stored for it. */
    private record OldRow(long userId, String message) {
    }

    @Test
    void rowsBecomeInboxMessagesInIdOrderAndTheTableGoes() throws SQLException {
        long alice;
        long bob;
        long carol;
        long team;
        StoredMessage before;
        try (JdbcStore store = open()) {
            alice = store.createUser("alice", PW);
            bob = store.createUser("bob", PW);
            carol = store.createUser("carol", PW);
            team = store.createGroup("team", "", alice);
            before = store.append(List.of(NewMessage.direct(carol, "carol", bob, null, "already here", null))).get(0)
                    .message();
        }
        String tricky = String.join(" ", TrickyText.ALL);
        String noText = "{\"msgid\":6,\"id\":" + alice + "}";
        String longName = chat(MsgId.ONE_CHAT, alice, "a".repeat(ChatStore.MAX_NAME_LENGTH + 1), "toid", bob, "x");
        oldTable(new OldRow(bob, chat(MsgId.ONE_CHAT, alice, "alice", "toid", bob, "hi bob")),
                new OldRow(carol, chat(MsgId.GROUP_CHAT, alice, "alice", "groupid", team, "hi team")),
                new OldRow(bob, "not JSON {"),
                new OldRow(bob, noText),
                new OldRow(bob, longName),
                new OldRow(bob, chat(MsgId.ONE_CHAT, carol, "carol", "toid", bob, tricky)));

        List<StoredMessage> bobs;
        try (JdbcStore store = open()) {
            bobs = store.inbox(bob, 0, 100);
            assertThat(bobs).extracting(StoredMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(bobs.get(0)).isEqualTo(before);
            assertThat(bobs.subList(1, 6)).extracting(StoredMessage::senderId, StoredMessage::senderName,
                    StoredMessage::toId, StoredMessage::text, StoredMessage::time, StoredMessage::cmid).containsExactly(
                    tuple(alice, "alice", bob, "hi bob", TIME, null),
                    tuple(0L, "", bob, "not JSON {", null, null),
                    tuple(0L, "", bob, noText, null, null),
                    tuple(0L, "", bob, longName, null, null),
                    tuple(carol, "carol", bob, tricky, TIME, null));
            assertThat(bobs).extracting(StoredMessage::msgno).isSorted().doesNotHaveDuplicates();
            assertThat(store.inbox(carol, 0, 100)).extracting(StoredMessage::seq, StoredMessage::senderId,
                    StoredMessage::text, StoredMessage::groupId).containsExactly(tuple(1L, alice, "hi team", 0L));
            assertThat(store.groupMessages(team, 0, 100)).isEmpty();
            assertThat(store.cursors(bob)).containsExactly(new Cursor(0, 0, 6));
            assertThat(tableExists()).isFalse();
            assertThat(store.append(List.of(NewMessage.direct(alice, "alice", bob, null, "after", null))).get(0)
                    .message().seq()).isEqualTo(7);
        }
        try (JdbcStore again = open()) {
            assertThat(again.inbox(bob, 0, 100)).hasSize(7).startsWith(bobs.toArray(StoredMessage[]::new));
            assertThat(tableExists()).isFalse();
        }
    }

    @Test
    void manyRowsMoveInBatchesWithGaplessSeqs() throws SQLException {
        Numbered rows = numberedRows(1_234);
        try (JdbcStore store = open()) {
            assertMovedInOrder(store, rows);
        }
    }

    @Test
    void anEmptyTableIsDroppedAndRowsForNoUserStay() throws SQLException {
        long bob;
        try (JdbcStore store = open()) {
            bob = store.createUser("bob", PW);
        }
        oldTable();
        open().close();
        assertThat(tableExists()).isFalse();

        oldTable(new OldRow(0, "for nobody"), new OldRow(bob, "for bob"));
        for (int start = 0; start < 2; start++) {
            try (JdbcStore store = open()) {
                assertThat(store.inbox(bob, 0, 100)).extracting(StoredMessage::text).containsExactly("for bob");
            }
            assertThat(tableExists()).isTrue();
            try (Connection c = connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT userid, message FROM offlinemessage")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
                assertThat(rs.getString(2)).isEqualTo("for nobody");
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /** The users and rows {@link #numberedRows} made. */
    record Numbered(long bob, long carol, int rows) {
    }

    /**
     * Makes users bob and carol, and the old table with {@code rows} rows "m0", "m1", ... from u9:
     * row i for carol if i % 3 == 0, else for bob.
     */
    Numbered numberedRows(int rows) throws SQLException {
        long bob;
        long carol;
        try (JdbcStore store = open()) {
            bob = store.createUser("bob", PW);
            carol = store.createUser("carol", PW);
        }
        oldTable(IntStream.range(0, rows).mapToObj(i -> {
            long to = i % 3 == 0 ? carol : bob;
            return new OldRow(to, chat(MsgId.ONE_CHAT, 9, "u9", "toid", to, "m" + i));
        }).toArray(OldRow[]::new));
        return new Numbered(bob, carol, rows);
    }

    /** The rows of {@link #numberedRows} are in their inboxes, in order, at seqs 1, 2, ...; the table is gone. */
    void assertMovedInOrder(JdbcStore store, Numbered n) throws SQLException {
        List<String> toBob = new ArrayList<>();
        List<String> toCarol = new ArrayList<>();
        for (int i = 0; i < n.rows(); i++) {
            (i % 3 == 0 ? toCarol : toBob).add("m" + i);
        }
        for (long user : List.of(n.bob(), n.carol())) {
            List<StoredMessage> inbox = store.inbox(user, 0, 2 * n.rows());
            assertThat(inbox).extracting(StoredMessage::text)
                    .containsExactlyElementsOf(user == n.bob() ? toBob : toCarol);
            assertThat(inbox).extracting(StoredMessage::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, inbox.size()).boxed().toList());
            assertThat(inbox).extracting(StoredMessage::msgno).isSorted();
        }
        assertThat(tableExists()).isFalse();
    }

    /** A chat frame as the old server stored it (OneChatHandler, GroupChatHandler). */
    private static String chat(int msgid, long from, String name, String target, long targetId, String text) {
        JsonObject m = new JsonObject();
        m.addProperty("msgid", msgid);
        m.addProperty("id", from);
        m.addProperty("name", name);
        m.addProperty(target, targetId);
        m.addProperty("msg", text);
        m.addProperty("time", TIME);
        return m.toString();
    }

    /** Creates the old table with these rows, ids in this order. */
    private void oldTable(OldRow... rows) throws SQLException {
        try (Connection c = connect()) {
            try (Statement st = c.createStatement()) {
                st.execute(OLD_TABLE);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO offlinemessage (userid, message) VALUES (?, ?)")) {
                for (OldRow row : rows) {
                    ps.setLong(1, row.userId());
                    ps.setString(2, row.message());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private boolean tableExists() throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(),
                OfflineMigration.TABLE, null)) {
            return rs.next();
        }
    }
}
