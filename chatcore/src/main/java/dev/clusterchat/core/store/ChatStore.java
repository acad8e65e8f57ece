package dev.clusterchat.core.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Everything the chat service keeps: users, friendships, groups and messages held for offline users.
 *
 * <p>Thread safety: implementations are thread-safe. Calls may block (JDBC): run them on a worker
 * pool, never on an I/O loop. Failures of the backing store surface as {@link StoreException}.
 */
public interface ChatStore extends AutoCloseable {

    /** The longest user or group name a store takes, in code points (the seed's VARCHAR(50)). */
    int MAX_NAME_LENGTH = 50;

    /** The longest group description a store takes, in code points (the seed's VARCHAR(200)). */
    int MAX_DESCRIPTION_LENGTH = 200;

    /**
     * Creates a user and returns its new id (ids start at 1 and are never reused). Names are
     * compared exactly: "Bob", "bob" and "bob " are three names.
     *
     * @throws NameTakenException if a user with this name exists
     * @throws IllegalArgumentException if the name is longer than {@link #MAX_NAME_LENGTH}
     */
    long createUser(String name, PasswordHash password);

    /** The user with this id, with its password hash, if any. */
    Optional<UserRecord> findUser(long id);

    /** The user's public view (id and name), if it exists. */
    default Optional<User> user(long id) {
        return findUser(id).map(UserRecord::user);
    }

    /**
     * Makes {@code a} and {@code b} friends of each other. Idempotent: adding twice is harmless.
     * Both users must exist (the caller checks); {@code a != b}.
     */
    void addFriend(long a, long b);

    /** The user's friends, ordered by id. */
    List<User> friends(long userId);

    /**
     * Creates a group with {@code creatorId} as its member with role {@link Role#CREATOR}, and
     * returns the new group's id.
     *
     * @throws NameTakenException if a group with this name exists
     * @throws IllegalArgumentException if the name or description is too long
     */
    long createGroup(String name, String description, long creatorId);

    /** The group's id, name and description, if it exists. */
    Optional<Group> findGroup(long groupId);

    /**
     * Adds a member with role {@link Role#NORMAL}. Idempotent: a member keeps its role. The group and
     * the user must exist (the caller checks). Returns false if the user already was a member.
     */
    boolean joinGroup(long groupId, long userId);

    /** Whether the user is a member of the group. */
    boolean isMember(long groupId, long userId);

    /** The ids of the group's members, ordered by id. */
    List<Long> groupMemberIds(long groupId);

    /** The groups the user belongs to, ordered by group id, each with every member (the user too). */
    List<GroupWithMembers> groupsOf(long userId);

    /** Keeps one serialized message for a user who is offline. */
    default void storeOffline(long userId, String message) {
        storeOffline(List.of(userId), message);
    }

    /** Keeps one serialized message for each of several offline users, in one batch. */
    void storeOffline(Collection<Long> userIds, String message);

    /**
     * Returns the user's offline messages, oldest first, and removes them, atomically: a message is
     * returned by exactly one call.
     */
    List<String> takeOffline(long userId);

    /**
     * Thread-safe: returns if the store can serve calls now, or throws {@link StoreException} saying why not (for
     * readiness checks). Blocks for a round trip to the database at most; an in-memory store is
     * always ready.
     */
    default void check() {
    }

    /** Releases connections and files. Idempotent. */
    @Override
    void close();
}
