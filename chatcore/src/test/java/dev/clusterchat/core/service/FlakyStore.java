package dev.clusterchat.core.service;

import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.Group;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A store that fails on demand (as a database that went away does), delegating otherwise. Thread-safe. */
public final class FlakyStore implements ChatStore {
    private final ChatStore inner;
    public volatile boolean failReads;
    public volatile boolean failWrites;

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
    public void storeOffline(Collection<Long> userIds, String message) {
        write();
        inner.storeOffline(userIds, message);
    }

    @Override
    public List<String> takeOffline(long userId) {
        write();
        return inner.takeOffline(userId);
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
