package dev.clusterchat.core.store;

import java.util.List;
import java.util.Optional;

/**
 * Everything the chat service keeps: users, friendships, groups and the messages of their timelines.
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

    /**
     * Appends messages durably, in list order, in one transaction, and returns once it is committed:
     * one result per message, in the same order. Each message gets the next seq of its timeline (the
     * recipient's inbox, or the group), a new global msgno and the server time. A message whose
     * sender already stored one with the same non-null {@code cmid} (earlier, or earlier in this list)
     * is not stored again: its result is the stored message with {@code duplicate} set. Group
     * membership and the recipient's existence are the caller's to check. Safe when several
     * processes append to the same timelines at once: seqs stay gapless and unique.
     *
     * @throws IllegalArgumentException if a text, name or cmid is too long for the store
     */
    List<Appended> append(List<NewMessage> messages);

    /** The user's inbox (one-to-one messages to it) after {@code afterSeq}, in seq order, at most {@code limit}. */
    List<StoredMessage> inbox(long userId, long afterSeq, int limit);

    /** The group's messages after {@code afterSeq}, in seq order, at most {@code limit}. */
    List<StoredMessage> groupMessages(long groupId, long afterSeq, int limit);

    /**
     * The user's cursors: its inbox first (timeline 0), then one per group it belongs to, by group
     * id. A user who never received anything has an inbox cursor (0, 0). A member's cursor in a
     * group starts at the group's last seq when it joins (and at 0 for the creator): joining does
     * not deliver older messages.
     */
    List<Cursor> cursors(long userId);

    /**
     * Moves the user's acknowledged position in a timeline (0: the inbox, else a group) forward to
     * {@code seq}: never back, never past the timeline's last seq. Acking a group the user is not a
     * member of does nothing.
     */
    void ack(long userId, long timeline, long seq);

    /**
     * Moves the user's acknowledged position back to {@code seq} if it is past it (messages
     * counted as delivered never reached the client). Never below 0.
     */
    void rewind(long userId, long timeline, long seq);

    /**
     * The one-to-one messages between {@code a} and {@code b}, both directions, with msgno below
     * {@code beforeMsgno} (any if it is 0 or less), newest first, at most {@code limit}.
     */
    List<StoredMessage> conversation(long a, long b, long beforeMsgno, int limit);

    /**
     * The group's messages with msgno below {@code beforeMsgno} (any if 0 or less), newest first, at
     * most {@code limit}.
     */
    List<StoredMessage> groupHistory(long groupId, long beforeMsgno, int limit);

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
