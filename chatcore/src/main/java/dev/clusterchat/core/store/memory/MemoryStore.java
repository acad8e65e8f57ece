package dev.clusterchat.core.store.memory;

import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.Group;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.Member;
import dev.clusterchat.core.store.NameTakenException;
import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.Role;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link ChatStore} in the heap, for tests and embedders; nothing survives {@link #close()}.
 * Thread-safe: one lock guards everything (every call is short and never blocks on I/O).
 */
public final class MemoryStore implements ChatStore {
    private final Map<Long, UserRecord> users = new HashMap<>();
    private final Map<String, Long> userIds = new HashMap<>();
    private final Map<Long, TreeSet<Long>> friends = new HashMap<>();
    private final Map<Long, Group> groups = new HashMap<>();
    private final Map<String, Long> groupIds = new HashMap<>();
    private final Map<Long, TreeMap<Long, Role>> members = new HashMap<>();
    private final Map<Long, TreeSet<Long>> groupsByUser = new HashMap<>();
    private final Map<Long, List<String>> offline = new HashMap<>();
    private long lastUserId;
    private long lastGroupId;
    private boolean closed;

    /** Thread-safe. */
    @Override
    public synchronized long createUser(String name, PasswordHash password) {
        checkLength("name", name, MAX_NAME_LENGTH);
        Objects.requireNonNull(password, "password");
        checkOpen();
        if (userIds.containsKey(name)) {
            throw new NameTakenException("user name is taken: " + name);
        }
        long id = ++lastUserId;
        users.put(id, new UserRecord(id, name, password));
        userIds.put(name, id);
        return id;
    }

    /** Thread-safe. */
    @Override
    public synchronized Optional<UserRecord> findUser(long id) {
        checkOpen();
        return Optional.ofNullable(users.get(id));
    }

    /** Thread-safe. */
    @Override
    public synchronized void addFriend(long a, long b) {
        checkDistinct(a, b);
        checkOpen();
        friends.computeIfAbsent(a, k -> new TreeSet<>()).add(b);
        friends.computeIfAbsent(b, k -> new TreeSet<>()).add(a);
    }

    /** Thread-safe. */
    @Override
    public synchronized List<User> friends(long userId) {
        checkOpen();
        List<User> result = new ArrayList<>();
        for (long id : friends.getOrDefault(userId, new TreeSet<>())) {
            UserRecord u = users.get(id);
            if (u != null) {
                result.add(u.user());
            }
        }
        return result;
    }

    /** Thread-safe. */
    @Override
    public synchronized long createGroup(String name, String description, long creatorId) {
        checkLength("name", name, MAX_NAME_LENGTH);
        checkLength("description", description, MAX_DESCRIPTION_LENGTH);
        checkOpen();
        if (groupIds.containsKey(name)) {
            throw new NameTakenException("group name is taken: " + name);
        }
        long id = ++lastGroupId;
        groups.put(id, new Group(id, name, description));
        groupIds.put(name, id);
        addMember(id, creatorId, Role.CREATOR);
        return id;
    }

    /** Thread-safe. */
    @Override
    public synchronized Optional<Group> findGroup(long groupId) {
        checkOpen();
        return Optional.ofNullable(groups.get(groupId));
    }

    /** Thread-safe. */
    @Override
    public synchronized boolean joinGroup(long groupId, long userId) {
        checkOpen();
        if (isMember(groupId, userId)) {
            return false;
        }
        addMember(groupId, userId, Role.NORMAL);
        return true;
    }

    /** Thread-safe. */
    @Override
    public synchronized boolean isMember(long groupId, long userId) {
        checkOpen();
        TreeMap<Long, Role> m = members.get(groupId);
        return m != null && m.containsKey(userId);
    }

    /** Thread-safe. */
    @Override
    public synchronized List<Long> groupMemberIds(long groupId) {
        checkOpen();
        return List.copyOf(members.getOrDefault(groupId, new TreeMap<>()).keySet());
    }

    /** Thread-safe. */
    @Override
    public synchronized List<GroupWithMembers> groupsOf(long userId) {
        checkOpen();
        List<GroupWithMembers> result = new ArrayList<>();
        for (long groupId : groupsByUser.getOrDefault(userId, new TreeSet<>())) {
            List<Member> list = new ArrayList<>();
            members.get(groupId).forEach((id, role) -> {
                UserRecord u = users.get(id);
                if (u != null) {
                    list.add(new Member(id, u.name(), role));
                }
            });
            result.add(new GroupWithMembers(groups.get(groupId), list));
        }
        return result;
    }

    /** Thread-safe. */
    @Override
    public synchronized void storeOffline(Collection<Long> userIds, String message) {
        Objects.requireNonNull(message, "message");
        List<Long> ids = List.copyOf(userIds); // rejects null ids before anything is stored
        checkOpen();
        for (long id : ids) {
            offline.computeIfAbsent(id, k -> new ArrayList<>()).add(message);
        }
    }

    /** Thread-safe. */
    @Override
    public synchronized List<String> takeOffline(long userId) {
        checkOpen();
        List<String> taken = offline.remove(userId);
        return taken == null ? List.of() : List.copyOf(taken);
    }

    /** Thread-safe: drops everything; later calls fail with {@link StoreException}. */
    @Override
    public synchronized void close() {
        closed = true;
        users.clear();
        userIds.clear();
        friends.clear();
        groups.clear();
        groupIds.clear();
        members.clear();
        groupsByUser.clear();
        offline.clear();
    }

    private void addMember(long groupId, long userId, Role role) {
        members.computeIfAbsent(groupId, k -> new TreeMap<>()).put(userId, role);
        groupsByUser.computeIfAbsent(userId, k -> new TreeSet<>()).add(groupId);
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("memory store is closed");
        }
    }

    private static void checkDistinct(long a, long b) {
        if (a == b) {
            throw new IllegalArgumentException("a and b must differ: " + a);
        }
    }

    private static void checkLength(String parameter, String value, int max) {
        Objects.requireNonNull(value, parameter);
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            throw new IllegalArgumentException(parameter + " cannot be longer than " + max + " characters: " + length);
        }
    }
}
