package dev.clusterchat.core.service;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.Group;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;

import java.util.List;
import java.util.Optional;

/**
 * A store that fails on demand (as a database that went away does), or holds appends back (as a
 * slow commit does), delegating otherwise. Thread-safe.
 */
public final class FlakyStore implements ChatStore {
    private final ChatStore inner;
    public volatile boolean failReads;
    public volatile boolean failWrites;
    /** While set and not counted down, {@link #append} waits for it. */
    public volatile java.util.concurrent.CountDownLatch holdAppends;
    /** Appends that have waited for {@link #holdAppends}, counted as they begin to wait. */
    public final java.util.concurrent.atomic.AtomicInteger heldAppends = new java.util.concurrent.atomic.AtomicInteger();

    /** Messages returned by {@link #inbox} and {@link #groupMessages}. */
    public final java.util.concurrent.atomic.AtomicLong rowsRead = new java.util.concurrent.atomic.AtomicLong();

    public FlakyStore(ChatStore inner) {
        this.inner = inner;
    }

    private void read() {
        if (failReads) {
            throw new StoreException("database unreachable (test)");
        }
    }

    private void write() {
        if (failWrites) {
            throw new StoreException("database unreachable (test)");
        }
    }

    @Override
    public long createUser(String name, PasswordHash password) {
        write();
        return inner.createUser(name, password);
    }

    @Override
    public Optional<UserRecord> findUser(long id) {
        read();
        return inner.findUser(id);
    }

    @Override
    public void addFriend(long a, long b) {
        write();
        inner.addFriend(a, b);
    }

    @Override
    public List<User> friends(long userId) {
        read();
        return inner.friends(userId);
    }

    @Override
    public long createGroup(String name, String description, long creatorId) {
        write();
        return inner.createGroup(name, description, creatorId);
    }

    @Override
    public Optional<Group> findGroup(long groupId) {
        read();
        return inner.findGroup(groupId);
    }

    @Override
    public boolean joinGroup(long groupId, long userId) {
        write();
        return inner.joinGroup(groupId, userId);
    }

    @Override
    public boolean isMember(long groupId, long userId) {
        read();
        return inner.isMember(groupId, userId);
    }

    @Override
    public List<Long> groupMemberIds(long groupId) {
        read();
        return inner.groupMemberIds(groupId);
    }

    @Override
    public List<GroupWithMembers> groupsOf(long userId) {
        read();
        return inner.groupsOf(userId);
    }

    @Override
    public List<Appended> append(List<NewMessage> messages) {
        write();
        java.util.concurrent.CountDownLatch hold = holdAppends;
        if (hold != null) {
            heldAppends.incrementAndGet();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while held (test)");
            }
        }
        return inner.append(messages);
    }

    @Override
    public List<StoredMessage> inbox(long userId, long afterSeq, int limit) {
        read();
        return counted(inner.inbox(userId, afterSeq, limit));
    }

    @Override
    public List<StoredMessage> groupMessages(long groupId, long afterSeq, int limit) {
        read();
        return counted(inner.groupMessages(groupId, afterSeq, limit));
    }

    private List<StoredMessage> counted(List<StoredMessage> rows) {
        rowsRead.addAndGet(rows.size());
        return rows;
    }

    @Override
    public List<Cursor> cursors(long userId) {
        read();
        return inner.cursors(userId);
    }

    @Override
    public void ack(long userId, long timeline, long seq) {
        write();
        inner.ack(userId, timeline, seq);
    }

    @Override
    public void rewind(long userId, long timeline, long seq) {
        write();
        inner.rewind(userId, timeline, seq);
    }

    @Override
    public List<StoredMessage> conversation(long a, long b, long beforeMsgno, int limit) {
        read();
        return inner.conversation(a, b, beforeMsgno, limit);
    }

    @Override
    public List<StoredMessage> groupHistory(long groupId, long beforeMsgno, int limit) {
        read();
        return inner.groupHistory(groupId, beforeMsgno, limit);
    }

    @Override
    public void check() {
        read();
        inner.check();
    }

    @Override
    public void close() {
        inner.close();
    }
}
