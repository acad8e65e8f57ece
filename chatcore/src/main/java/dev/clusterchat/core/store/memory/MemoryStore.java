package dev.clusterchat.core.store.memory;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.Group;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.Member;
import dev.clusterchat.core.store.MessageLimits;
import dev.clusterchat.core.store.NameTakenException;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.Role;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link ChatStore} in the heap, for tests, benchmarks and embedders; nothing survives
 * {@link #close()}. Thread-safe: one lock guards users and groups, another the messages (every call
 * is short and never blocks on I/O; an append costs a few map look-ups per message).
 *
 * <p>Retention, so that a long run does not grow without bound: each timeline keeps every message
 * that someone who must get it (the inbox's owner; the group's members) has not acknowledged yet,
 * plus its newest {@code historyPerTimeline} messages (default {@value #DEFAULT_HISTORY}) for
 * history. Older messages are gone: {@code inbox}, {@code groupMessages}, {@code conversation} and
 * {@code groupHistory} return only what is kept, a {@code rewind} past it finds nothing to send
 * again, and a cmid is remembered only as long as its message is kept.
 */
public final class MemoryStore implements ChatStore {
    /** How many of each timeline's newest messages are kept for history, by default. */
    public static final int DEFAULT_HISTORY = 1_000;

    private final Map<Long, UserRecord> users = new HashMap<>();
    private final Map<String, Long> userIds = new HashMap<>();
    private final Map<Long, TreeSet<Long>> friends = new HashMap<>();
    private final Map<Long, Group> groups = new HashMap<>();
    private final Map<String, Long> groupIds = new HashMap<>();
    private final Map<Long, TreeMap<Long, Role>> members = new HashMap<>();
    private final Map<Long, TreeSet<Long>> groupsByUser = new HashMap<>();
    private long lastUserId;
    private long lastGroupId;
    private boolean closed;
    private final MemoryMessages messages;

    /** Keeps the newest {@value #DEFAULT_HISTORY} messages of each timeline for history. */
    public MemoryStore() {
        this(DEFAULT_HISTORY);
    }

    /** Keeps the newest {@code historyPerTimeline} messages of each timeline (and all unacknowledged ones). */
    public MemoryStore(int historyPerTimeline) {
        if (historyPerTimeline < 0) {
            throw new IllegalArgumentException("historyPerTimeline cannot be negative: " + historyPerTimeline);
        }
        this.messages = new MemoryMessages(historyPerTimeline);
    }

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
        messages.join(id, creatorId);
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
        messages.join(groupId, userId);
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
    public List<Appended> append(List<NewMessage> messages) {
        return this.messages.append(MessageLimits.check(messages));
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> inbox(long userId, long afterSeq, int limit) {
        return messages.after(false, userId, afterSeq, MessageLimits.checkLimit(limit));
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> groupMessages(long groupId, long afterSeq, int limit) {
        return messages.after(true, groupId, afterSeq, MessageLimits.checkLimit(limit));
    }

    /** Thread-safe. */
    @Override
    public List<Cursor> cursors(long userId) {
        List<Long> groupIds;
        synchronized (this) {
            checkOpen();
            groupIds = List.copyOf(groupsByUser.getOrDefault(userId, new TreeSet<>()));
        }
        return messages.cursors(userId, groupIds);
    }

    /** Thread-safe. */
    @Override
    public void ack(long userId, long timeline, long seq) {
        messages.ack(userId, timeline, seq);
    }

    /** Thread-safe. */
    @Override
    public void rewind(long userId, long timeline, long seq) {
        messages.rewind(userId, timeline, seq);
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> conversation(long a, long b, long beforeMsgno, int limit) {
        return messages.conversation(a, b, beforeMsgno, MessageLimits.checkLimit(limit));
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> groupHistory(long groupId, long beforeMsgno, int limit) {
        return messages.groupHistory(groupId, beforeMsgno, MessageLimits.checkLimit(limit));
    }

    /** Thread-safe: drops everything; later calls fail with {@link StoreException}. */
    @Override
    public synchronized void close() {
        messages.close();
        closed = true;
        users.clear();
        userIds.clear();
        friends.clear();
        groups.clear();
        groupIds.clear();
        members.clear();
        groupsByUser.clear();
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
