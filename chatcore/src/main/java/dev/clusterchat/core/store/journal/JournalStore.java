package dev.clusterchat.core.store.journal;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.Group;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.MessageLimits;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;
import dev.clusterchat.core.store.jdbc.JdbcStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The embedded store: users, friends and groups in embedded H2 ({@link JdbcStore#embedded}), messages
 * and positions in an append-only journal next to it ({@link JournalFile}) with its index in memory
 * ({@link JournalIndex}). An append of any number of messages is one {@code write} of the journal,
 * where H2 would update six B-trees per message and serialise their pages at each commit
 * (BENCHMARKS.md, "Durable acks"). Only one process may use it: the journal is locked. Thread-safe: one lock
 * guards the index and the journal's end; messages are read from the file outside it.
 */
public final class JournalStore implements ChatStore {
    private static final Logger LOG = Logger.getLogger(JournalStore.class.getName());
    /** The journal's file name in the data directory. */
    public static final String JOURNAL_FILE = "messages.journal";
    private static final int IMPORT_PAGE = 1_000;

    private final JdbcStore db;
    private final JournalIndex index = new JournalIndex();
    private final Records records = new Records(); // guarded by index
    private final JournalFile file;
    private JournalBrokenException broken; // guarded by index
    private boolean closed; // guarded by index

    private JournalStore(JdbcStore db, Path journal) {
        this.db = db;
        this.file = JournalFile.open(journal, this::replay);
    }

    /**
     * Opens the embedded store in {@code dataDir} (created if missing): H2 and the journal. Messages
     * an earlier version stored in H2's tables are moved into the journal, with their msgnos, seqs
     * and the users' positions.
     */
    public static JournalStore open(Path dataDir) {
        JdbcStore db = JdbcStore.embedded(dataDir);
        JournalStore store = null;
        try {
            store = new JournalStore(db, dataDir.resolve(JOURNAL_FILE));
            store.moveFromTables();
            return store;
        } catch (RuntimeException e) {
            if (store != null) {
                store.file.close();
            }
            db.close();
            throw e;
        }
    }

    private void replay(List<JournalFile.Entry> batch) {
        for (JournalFile.Entry e : batch) {
            if (e.content() instanceof StoredMessage m) {
                index.add(m, e.position());
            } else {
                index.apply((Records.CursorChange) e.content());
            }
        }
    }

    /**
     * Moves what an earlier version kept in H2's message tables into the journal, as one batch (a
     * crash halfway leaves none of it), then empties the tables. If the journal already holds
     * messages, the tables' are only forgotten when the journal holds them too (a crash between the
     * two steps); otherwise they are left alone, with a warning.
     */
    private void moveFromTables() {
        List<StoredMessage> first = db.storedMessages(0, 1);
        if (first.isEmpty()) {
            return;
        }
        synchronized (index) {
            if (index.lastMsgno() > 0) {
                StoredMessage m = first.get(0);
                long p = m.msgno() <= index.lastMsgno() ? index.position(m.msgno()) : -1;
                if (p < 0 || !file.readMessage(p).equals(m)) {
                    LOG.warning("the database's message tables hold messages the journal does not (from msgno "
                            + m.msgno() + "); they were left there");
                    return;
                }
            } else {
                List<JournalFile.Entry> moved = new ArrayList<>();
                for (long after = 0; ; ) {
                    List<StoredMessage> page = db.storedMessages(after, IMPORT_PAGE);
                    if (page.isEmpty()) {
                        break;
                    }
                    records.clear();
                    for (StoredMessage m : page) {
                        moved.add(new JournalFile.Entry(m, file.end() + records.bytes().remaining()));
                        records.message(m);
                    }
                    write(records.bytes()); // no COMMIT yet: replay ignores all of it until the end
                    after = page.get(page.size() - 1).msgno();
                }
                records.clear();
                for (JdbcStore.Position p : db.positions()) {
                    Records.CursorChange change = new Records.CursorChange(Records.ACK, p.userId(), p.timeline(), p.acked());
                    records.cursor(change);
                    moved.add(new JournalFile.Entry(change, -1));
                }
                write(records.commit().bytes());
                records.clear();
                indexWritten(() -> replay(moved));
                LOG.info("moved " + (moved.size()) + " messages and positions from the database's tables to "
                        + JOURNAL_FILE);
            }
        }
        db.forgetMessages();
    }

    // ---- users, friends, groups: in H2

    /** Thread-safe. */
    @Override
    public long createUser(String name, PasswordHash password) {
        return db.createUser(name, password);
    }

    /** Thread-safe. */
    @Override
    public Optional<UserRecord> findUser(long id) {
        return db.findUser(id);
    }

    /** Thread-safe. */
    @Override
    public void addFriend(long a, long b) {
        db.addFriend(a, b);
    }

    /** Thread-safe. */
    @Override
    public List<User> friends(long userId) {
        return db.friends(userId);
    }

    /** Thread-safe. */
    @Override
    public long createGroup(String name, String description, long creatorId) {
        return db.createGroup(name, description, creatorId);
    }

    /** Thread-safe. */
    @Override
    public Optional<Group> findGroup(long groupId) {
        return db.findGroup(groupId);
    }

    /**
     * Thread-safe: the new member's position starts at the group's last seq when it joined: joining
     * does not deliver older messages. (If chatd dies between H2's commit and the journal's write,
     * the member starts at 0 and is sent the group's stored messages: more, never fewer.)
     */
    @Override
    public boolean joinGroup(long groupId, long userId) {
        long last;
        synchronized (index) {
            last = index.last(0, groupId);
        }
        boolean joined = db.joinGroup(groupId, userId);
        if (joined) {
            synchronized (index) {
                writeCursor(new Records.CursorChange(Records.START, userId, groupId, last));
            }
        }
        return joined;
    }

    /** Thread-safe. */
    @Override
    public boolean isMember(long groupId, long userId) {
        return db.isMember(groupId, userId);
    }

    /** Thread-safe. */
    @Override
    public List<Long> groupMemberIds(long groupId) {
        return db.groupMemberIds(groupId);
    }

    /** Thread-safe. */
    @Override
    public List<GroupWithMembers> groupsOf(long userId) {
        return db.groupsOf(userId);
    }

    // ---- messages: in the journal

    /** Thread-safe: one journal write for the whole list. */
    @Override
    public List<Appended> append(List<NewMessage> messages) {
        List<NewMessage> checked = MessageLimits.check(messages);
        if (checked.isEmpty()) {
            return List.of();
        }
        synchronized (index) {
            checkWritable();
            long stime = System.currentTimeMillis();
            long msgno = index.lastMsgno();
            Map<Long, Long> nextSeq = new HashMap<>();
            Map<String, StoredMessage> inBatch = new HashMap<>();
            List<Appended> result = new ArrayList<>(checked.size());
            List<StoredMessage> fresh = new ArrayList<>();
            List<Long> positions = new ArrayList<>();
            records.clear();
            for (NewMessage n : checked) {
                String batchKey = n.cmid() == null ? null : n.senderId() + ":" + n.cmid();
                StoredMessage earlier = storedUnder(n);
                if (earlier != null) {
                    result.add(new Appended(earlier, true));
                } else if (batchKey != null && inBatch.containsKey(batchKey)) {
                    result.add(new Appended(inBatch.get(batchKey), true));
                } else {
                    long timeline = n.isGroup() ? -n.groupId() : n.toId();
                    long seq = nextSeq.merge(timeline, 1L, Long::sum) + index.last(n.toId(), n.groupId());
                    StoredMessage m = new StoredMessage(++msgno, seq, n.senderId(), n.senderName(), n.toId(),
                            n.groupId(), n.cmid(), n.text(), n.time(), stime);
                    positions.add(file.end() + records.bytes().remaining());
                    records.message(m);
                    fresh.add(m);
                    if (batchKey != null) {
                        inBatch.put(batchKey, m);
                    }
                    result.add(new Appended(m, false));
                }
            }
            if (!fresh.isEmpty()) {
                checkWritable();
                write(records.commit().bytes());
                indexWritten(() -> {
                    for (int i = 0; i < fresh.size(); i++) {
                        index.add(fresh.get(i), positions.get(i));
                    }
                });
            }
            return result;
        }
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> inbox(long userId, long afterSeq, int limit) {
        MessageLimits.checkLimit(limit);
        return read(() -> index.after(userId, 0, afterSeq, limit));
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> groupMessages(long groupId, long afterSeq, int limit) {
        MessageLimits.checkLimit(limit);
        return read(() -> index.after(0, groupId, afterSeq, limit));
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> conversation(long a, long b, long beforeMsgno, int limit) {
        MessageLimits.checkLimit(limit);
        return read(() -> index.conversationBefore(a, b, beforeMsgno, limit));
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> groupHistory(long groupId, long beforeMsgno, int limit) {
        MessageLimits.checkLimit(limit);
        return read(() -> index.groupBefore(groupId, beforeMsgno, limit));
    }

    private interface MsgnoQuery {
        long[] run();
    }

    /** Finds msgnos and their records under the lock, then reads the records without it. */
    private List<StoredMessage> read(MsgnoQuery query) {
        long[] positions;
        synchronized (index) {
            long[] msgnos = query.run();
            positions = new long[msgnos.length];
            for (int i = 0; i < msgnos.length; i++) {
                positions[i] = index.position(msgnos[i]);
            }
        }
        List<StoredMessage> messages = new ArrayList<>(positions.length);
        for (long p : positions) {
            messages.add(file.readMessage(p));
        }
        return messages;
    }

    /** Thread-safe: the groups from H2, the positions from the journal's index. */
    @Override
    public List<Cursor> cursors(long userId) {
        List<Long> groupIds = db.groupIds(userId);
        List<Cursor> cursors = new ArrayList<>(groupIds.size() + 1);
        synchronized (index) {
            cursors.add(new Cursor(0, index.acked(userId, 0), index.last(userId, 0)));
            for (long g : groupIds) {
                cursors.add(new Cursor(g, index.acked(userId, g), index.last(0, g)));
            }
        }
        return cursors;
    }

    /** Thread-safe. */
    @Override
    public void ack(long userId, long timeline, long seq) {
        if (timeline != 0 && !db.isMember(timeline, userId)) {
            return;
        }
        synchronized (index) {
            long target = Math.min(seq, index.last(userId, timeline));
            if (target > index.acked(userId, timeline)) {
                writeCursor(new Records.CursorChange(Records.ACK, userId, timeline, target));
            }
        }
    }

    /** Thread-safe. */
    @Override
    public void rewind(long userId, long timeline, long seq) {
        if (timeline != 0 && !db.isMember(timeline, userId)) {
            return;
        }
        synchronized (index) {
            long target = Math.max(seq, 0);
            if (target < index.acked(userId, timeline)) {
                writeCursor(new Records.CursorChange(Records.REWIND, userId, timeline, target));
            }
        }
    }

    /** Under the lock: journals a cursor change, then applies it. */
    private void writeCursor(Records.CursorChange change) {
        checkWritable();
        records.clear();
        write(records.cursor(change).commit().bytes());
        indexWritten(() -> index.apply(change));
    }

    /** Under the lock: the message stored under the new message's sender and cmid, or null. */
    private StoredMessage storedUnder(NewMessage n) {
        long msgno = index.msgnoOf(n.senderId(), n.cmid());
        if (msgno == 0) {
            return null;
        }
        StoredMessage m = file.readMessage(index.position(msgno));
        return m.senderId() == n.senderId() && n.cmid().equals(m.cmid()) ? m : null;
    }

    /**
     * Under the lock: updates the index for what was just written. If that fails (no memory, say),
     * the index lags the file and would hand out msgnos and seqs already used: the store takes no
     * more writes, and a restart replays the file.
     */
    private void indexWritten(Runnable update) {
        try {
            update.run();
        } catch (Throwable t) {
            broken = new JournalBrokenException("the message journal's index could not take a write ("
                    + t + "): restart chatd", t);
            throw broken;
        }
    }

    /** Under the lock: writes to the journal, remembering if the journal can take no more. */
    private void write(java.nio.ByteBuffer records) {
        try {
            file.append(records);
        } catch (JournalBrokenException e) {
            broken = e;
            throw e;
        }
    }

    /** Under the lock: throws if the store can take no more writes. */
    private void checkWritable() {
        if (broken != null) {
            throw broken;
        }
        file.checkOpen();
    }

    /** Thread-safe. */
    @Override
    public void check() {
        db.check();
        synchronized (index) {
            checkWritable();
        }
    }

    /** Thread-safe; the store cannot be used afterwards. */
    @Override
    public void close() {
        synchronized (index) {
            if (closed) {
                return;
            }
            closed = true;
            file.close();
        }
        db.close();
    }
}
