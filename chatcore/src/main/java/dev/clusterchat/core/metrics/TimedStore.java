package dev.clusterchat.core.metrics;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.Group;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.NameTakenException;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A {@link ChatStore} that times every call of the store it wraps, per operation, and counts the
 * calls that failed with a {@link StoreException} (a taken name is an answer, not a failure).
 * Thread-safe, as the wrapped store is; closing it closes the wrapped store.
 */
public final class TimedStore implements ChatStore {
    private final ChatStore inner;
    private final List<Op> ops = new ArrayList<>();
    private final Op createUser = op("createUser");
    private final Op findUser = op("findUser");
    private final Op addFriend = op("addFriend");
    private final Op friends = op("friends");
    private final Op createGroup = op("createGroup");
    private final Op findGroup = op("findGroup");
    private final Op joinGroup = op("joinGroup");
    private final Op isMember = op("isMember");
    private final Op groupMemberIds = op("groupMemberIds");
    private final Op groupsOf = op("groupsOf");
    private final Op append = op("append");
    private final Op inbox = op("inbox");
    private final Op groupMessages = op("groupMessages");
    private final Op cursors = op("cursors");
    private final Op ack = op("ack");
    private final Op rewind = op("rewind");
    private final Op conversation = op("conversation");
    private final Op groupHistory = op("groupHistory");
    private final Op check = op("check");

    /** One operation's figures. */
    private record Op(String name, Latency latency, LongAdder failures) {
    }

    public TimedStore(ChatStore inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    private Op op(String name) {
        Op o = new Op(name, new Latency(), new LongAdder());
        ops.add(o);
        return o;
    }

    /** Thread-safe: adds {@code chat_store_call_seconds} and {@code chat_store_failures_total}, by operation. */
    public void addTo(MetricsSnapshot.Builder b) {
        MetricsSnapshot.FamilyBuilder seconds = b.histogram("chat_store_call_seconds",
                "Time of store calls, by operation (op).");
        ops.forEach(o -> seconds.latency(o.latency(), "op", o.name()));
        MetricsSnapshot.FamilyBuilder failures = b.counter("chat_store_failures_total",
                "Store calls that failed (database unreachable, timed out, rejected), by operation (op).");
        ops.forEach(o -> failures.sample(o.failures().sum(), "op", o.name()));
    }

    private static <T> T timed(Op op, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } catch (NameTakenException e) {
            throw e;
        } catch (StoreException e) {
            op.failures().increment();
            throw e;
        } finally {
            op.latency().record(System.nanoTime() - start);
        }
    }

    private static void timed(Op op, Runnable call) {
        timed(op, () -> {
            call.run();
            return null;
        });
    }

    @Override
    public long createUser(String name, PasswordHash password) {
        return timed(createUser, () -> inner.createUser(name, password));
    }

    @Override
    public Optional<UserRecord> findUser(long id) {
        return timed(findUser, () -> inner.findUser(id));
    }

    @Override
    public void addFriend(long a, long b) {
        timed(addFriend, () -> inner.addFriend(a, b));
    }

    @Override
    public List<User> friends(long userId) {
        return timed(friends, () -> inner.friends(userId));
    }

    @Override
    public long createGroup(String name, String description, long creatorId) {
        return timed(createGroup, () -> inner.createGroup(name, description, creatorId));
    }

    @Override
    public Optional<Group> findGroup(long groupId) {
        return timed(findGroup, () -> inner.findGroup(groupId));
    }

    @Override
    public boolean joinGroup(long groupId, long userId) {
        return timed(joinGroup, () -> inner.joinGroup(groupId, userId));
    }

    @Override
    public boolean isMember(long groupId, long userId) {
        return timed(isMember, () -> inner.isMember(groupId, userId));
    }

    @Override
    public List<Long> groupMemberIds(long groupId) {
        return timed(groupMemberIds, () -> inner.groupMemberIds(groupId));
    }

    @Override
    public List<GroupWithMembers> groupsOf(long userId) {
        return timed(groupsOf, () -> inner.groupsOf(userId));
    }

    @Override
    public List<Appended> append(List<NewMessage> messages) {
        return timed(append, () -> inner.append(messages));
    }

    @Override
    public List<StoredMessage> inbox(long userId, long afterSeq, int limit) {
        return timed(inbox, () -> inner.inbox(userId, afterSeq, limit));
    }

    @Override
    public List<StoredMessage> groupMessages(long groupId, long afterSeq, int limit) {
        return timed(groupMessages, () -> inner.groupMessages(groupId, afterSeq, limit));
    }

    @Override
    public List<Cursor> cursors(long userId) {
        return timed(cursors, () -> inner.cursors(userId));
    }

    @Override
    public void ack(long userId, long timeline, long seq) {
        timed(ack, () -> inner.ack(userId, timeline, seq));
    }

    @Override
    public void rewind(long userId, long timeline, long seq) {
        timed(rewind, () -> inner.rewind(userId, timeline, seq));
    }

    @Override
    public List<StoredMessage> conversation(long a, long b, long beforeMsgno, int limit) {
        return timed(conversation, () -> inner.conversation(a, b, beforeMsgno, limit));
    }

    @Override
    public List<StoredMessage> groupHistory(long groupId, long beforeMsgno, int limit) {
        return timed(groupHistory, () -> inner.groupHistory(groupId, beforeMsgno, limit));
    }

    @Override
    public void check() {
        timed(check, inner::check);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return "TimedStore[" + inner + "]";
    }
}
