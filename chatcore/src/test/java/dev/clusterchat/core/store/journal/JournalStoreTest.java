package dev.clusterchat.core.store.journal;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.ChatStoreContractTest;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.store.jdbc.JdbcStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract on the embedded store (H2 plus the message journal), plus restarts and damage. */
class JournalStoreTest extends ChatStoreContractTest {
    @TempDir
    Path dataDir;

    @Override
    protected ChatStore newStore() {
        return JournalStore.open(dataDir);
    }

    private void reopen() {
        store.close();
        store = JournalStore.open(dataDir);
    }

    private static NewMessage direct(long from, long to, String cmid, String text) {
        return NewMessage.direct(from, "u" + from, to, cmid, text, "2026-11-24 10:00:00");
    }

    private Path journal() {
        return dataDir.resolve(JournalStore.JOURNAL_FILE);
    }

    @Test
    void messagesPositionsAndCmidsSurviveARestart() {
        long alice = user("alice");
        long bob = user("bob");
        long g = store.createGroup("team", "", alice);
        store.joinGroup(g, bob);
        List<Appended> first = store.append(List.of(direct(alice, bob, "c1", "hi 😀"), direct(bob, alice, null, "yo"),
                NewMessage.group(alice, "alice", g, "c2", "all", null)));
        store.ack(bob, 0, 1);
        store.ack(bob, g, 1);
        reopen();

        assertThat(store.inbox(bob, 0, 10)).containsExactly(first.get(0).message());
        assertThat(store.groupMessages(g, 0, 10)).containsExactly(first.get(2).message());
        assertThat(store.conversation(alice, bob, 0, 10)).containsExactly(first.get(1).message(),
                first.get(0).message());
        assertThat(store.cursors(bob)).containsExactly(new Cursor(0, 1, 1), new Cursor(g, 1, 1));
        Appended resend = store.append(List.of(direct(alice, bob, "c1", "hi 😀"))).get(0);
        assertThat(resend).isEqualTo(new Appended(first.get(0).message(), true));
        StoredMessage next = store.append(List.of(direct(alice, bob, "c3", "after"))).get(0).message();
        assertThat(next.msgno()).isEqualTo(4);
        assertThat(next.seq()).isEqualTo(2);
    }

    @Test
    void aMemberWhoJoinsLaterStartsAtTheGroupsLastSeqAlsoAfterARestart() {
        long alice = user("alice");
        long bob = user("bob");
        long g = store.createGroup("team", "", alice);
        store.append(List.of(NewMessage.group(alice, "alice", g, null, "before bob", null)));
        assertThat(store.joinGroup(g, bob)).isTrue();
        assertThat(store.joinGroup(g, bob)).isFalse();
        store.append(List.of(NewMessage.group(alice, "alice", g, null, "after bob", null)));
        reopen();
        assertThat(store.cursors(bob)).containsExactly(new Cursor(0, 0, 0), new Cursor(g, 1, 2));
        assertThat(store.cursors(alice)).containsExactly(new Cursor(0, 0, 0), new Cursor(g, 0, 2));
    }

    @Test
    void aTornLastBatchIsCutOffAndTheRestIsKept() throws IOException {
        long alice = user("alice");
        long bob = user("bob");
        store.append(List.of(direct(alice, bob, "c1", "kept")));
        store.close();
        long whole = Files.size(journal());
        // a batch of two messages whose write stopped after the first record: no COMMIT follows
        Records torn = new Records().message(new StoredMessage(2, 2, alice, "u1", bob, 0, "c2", "torn", null, 1))
                .message(new StoredMessage(3, 3, alice, "u1", bob, 0, "c3", "never", null, 1));
        ByteBuffer bytes = torn.bytes();
        try (FileChannel ch = FileChannel.open(journal(), StandardOpenOption.APPEND)) {
            ch.write(bytes.limit(bytes.limit() - 5));
        }

        store = JournalStore.open(dataDir);
        assertThat(Files.size(journal())).isEqualTo(whole);
        assertThat(store.inbox(bob, 0, 10)).extracting(StoredMessage::text).containsExactly("kept");
        StoredMessage again = store.append(List.of(direct(alice, bob, "c2", "torn"))).get(0).message();
        assertThat(again.seq()).isEqualTo(2);
        reopen();
        assertThat(store.inbox(bob, 0, 10)).extracting(StoredMessage::text).containsExactly("kept", "torn");
    }

    @Test
    void damageBeforeAWholeCommitIsRefusedNotCutOff() throws IOException {
        long alice = user("alice");
        long bob = user("bob");
        store.append(List.of(direct(alice, bob, null, "one")));
        long second = Files.size(journal());
        store.append(List.of(direct(alice, bob, null, "two")));
        store.append(List.of(direct(alice, bob, null, "three")));
        store.close();
        byte[] bytes = Files.readAllBytes(journal());
        bytes[(int) second + 12] ^= 0x55; // a flipped bit, not a crash: a torn batch never has its COMMIT
        Files.write(journal(), bytes);

        store = null;
        assertThatThrownBy(() -> JournalStore.open(dataDir)).isInstanceOf(StoreException.class)
                .hasMessageContaining("damaged at byte " + second).hasMessageContaining("head -c " + second);
        assertThat(Files.readAllBytes(journal())).isEqualTo(bytes); // nothing cut
        store = JournalStore.open(dataDir.resolve("other")); // and the failed open let go of everything
    }

    @Test
    void anInterruptedCallerDoesNotCloseTheJournalForEveryone() {
        long alice = user("alice");
        long bob = user("bob");
        store.append(List.of(direct(alice, bob, null, "one")));
        Thread.currentThread().interrupt();
        try {
            assertThat(store.inbox(bob, 0, 10)).hasSize(1);
            store.append(List.of(direct(alice, bob, null, "two")));
        } finally {
            Thread.interrupted();
        }
        store.check();
        assertThat(store.inbox(bob, 0, 10)).extracting(StoredMessage::text).containsExactly("one", "two");
        reopen();
        assertThat(store.inbox(bob, 0, 10)).extracting(StoredMessage::text).containsExactly("one", "two");
    }

    @Test
    void aResendIsRecognisedHoweverManyMessagesCameBetween() {
        long alice = user("alice");
        long bob = user("bob");
        StoredMessage first = store.append(List.of(direct(alice, bob, "first", "hi"))).get(0).message();
        for (int batch = 0; batch < 300; batch++) {
            List<NewMessage> many = new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                many.add(direct(alice, bob, "c" + batch + "-" + i, "x"));
            }
            store.append(many);
        }
        assertThat(store.append(List.of(direct(alice, bob, "first", "hi")))).containsExactly(new Appended(first, true));
        reopen();
        assertThat(store.append(List.of(direct(alice, bob, "first", "hi")))).containsExactly(new Appended(first, true));
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        assertThatThrownBy(() -> JournalStore.open(dataDir)).isInstanceOf(StoreException.class)
                .hasMessageContaining("in use");
        store.append(List.of(direct(user("alice"), user("bob"), null, "still works")));
    }

    /** An H2 store as an earlier version left it: three users, a group, messages, positions. */
    private record Old(long alice, long bob, long carol, long group) {
    }

    private Old oldTables(Path dir) {
        try (JdbcStore tables = JdbcStore.embedded(dir)) {
            long alice = tables.createUser("alice", password(1));
            long bob = tables.createUser("bob", password(2));
            long carol = tables.createUser("carol", password(3));
            long g = tables.createGroup("team", "", alice);
            tables.joinGroup(g, bob);
            tables.append(List.of(direct(alice, bob, "c1", "read already"), direct(bob, alice, null, "reply"),
                    NewMessage.group(alice, "alice", g, null, "before carol", null)));
            tables.joinGroup(g, carol);
            tables.append(List.of(direct(alice, bob, "c2", "unread"),
                    NewMessage.group(alice, "alice", g, null, "with carol", null)));
            tables.ack(bob, 0, 1);
            tables.ack(bob, g, 2);
            return new Old(alice, bob, carol, g);
        }
    }

    @Test
    void messagesAnEarlierVersionLeftInTheTablesMoveToTheJournalAsTheyWere() {
        store.close();
        Path old = dataDir.resolve("old");
        Old o = oldTables(old);
        List<StoredMessage> before;
        try (JdbcStore tables = JdbcStore.embedded(old)) {
            before = tables.storedMessages(0, 100);
        }
        store = JournalStore.open(old);
        assertThat(store.inbox(o.bob(), 0, 10)).containsExactlyElementsOf(before.stream()
                .filter(m -> m.toId() == o.bob()).toList());
        assertThat(store.groupMessages(o.group(), 0, 10)).extracting(StoredMessage::text)
                .containsExactly("before carol", "with carol");
        assertThat(store.conversation(o.alice(), o.bob(), 0, 10)).extracting(StoredMessage::text)
                .containsExactly("unread", "reply", "read already");
        assertThat(store.cursors(o.bob())).containsExactly(new Cursor(0, 1, 2), new Cursor(o.group(), 2, 2));
        assertThat(store.cursors(o.carol())).containsExactly(new Cursor(0, 0, 0), new Cursor(o.group(), 1, 2));
        assertThat(store.append(List.of(direct(o.alice(), o.bob(), "c1", "read already"))).get(0).duplicate()).isTrue();
        StoredMessage next = store.append(List.of(direct(o.alice(), o.bob(), "c3", "new"))).get(0).message();
        assertThat(next.msgno()).isGreaterThan(before.get(before.size() - 1).msgno());
        assertThat(next.seq()).isEqualTo(3);

        store.close();
        store = JournalStore.open(old);
        assertThat(store.inbox(o.bob(), 0, 10)).hasSize(3); // moved once, not again at the next start
        try (JdbcStore tables = JdbcStore.embedded(old)) { // H2 lets this JVM open it twice
            assertThat(tables.storedMessages(0, 10)).isEmpty();
        }
    }

    @Test
    void aStartThatDiedBeforeEmptyingTheTablesDoesNotMoveThemTwice() throws IOException {
        store.close();
        Path old = dataDir.resolve("old");
        Old o = oldTables(old);
        Path h2 = old.resolve("chat.mv.db");
        byte[] tablesBefore = Files.readAllBytes(h2);
        store = JournalStore.open(old);
        store.close();
        Files.write(h2, tablesBefore); // as if chatd died after the journal's write, before H2's delete

        store = JournalStore.open(old);
        assertThat(store.inbox(o.bob(), 0, 10)).extracting(StoredMessage::text).containsExactly("read already", "unread");
        store.close();
        store = JournalStore.open(old);
        assertThat(store.groupMessages(o.group(), 0, 10)).hasSize(2);
    }

    @Test
    void offlineMessagesOfTheOldestReleaseEndInTheJournalToo() throws Exception {
        store.close();
        Path old = dataDir.resolve("oldest");
        long alice;
        long bob;
        try (JdbcStore tables = JdbcStore.embedded(old)) {
            alice = tables.createUser("alice", password(1));
            bob = tables.createUser("bob", password(2));
        }
        String url = "jdbc:h2:file:" + old.toAbsolutePath().normalize().resolve("chat") + ";MODE=MariaDB;DATABASE_TO_LOWER=TRUE";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE offlinemessage (id BIGINT NOT NULL AUTO_INCREMENT, userid BIGINT NOT NULL, "
                    + "message MEDIUMTEXT NOT NULL, PRIMARY KEY (id))");
            st.execute("INSERT INTO offlinemessage (userid, message) VALUES (" + bob + ", '{\"msgid\":6,\"id\":" + alice
                    + ",\"name\":\"alice\",\"toid\":" + bob + ",\"msg\":\"while you were away\",\"time\":\"t\"}')");
        }
        store = JournalStore.open(old); // H2's schema moves the row to the message table, then to the journal
        assertThat(store.inbox(bob, 0, 10)).extracting(StoredMessage::senderId, StoredMessage::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(alice, "while you were away"));
        store.close();
        store = JournalStore.open(old);
        assertThat(store.inbox(bob, 0, 10)).hasSize(1);
    }
}
