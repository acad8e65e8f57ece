package dev.clusterchat.core.store;

import dev.clusterchat.core.testsupport.TrickyText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour every {@link ChatStore} must have; each store's test extends this and supplies a
 * new, empty store per test. Tests run on the JUnit thread, plus worker threads for the races.
 */
public abstract class ChatStoreContractTest {
    /** Names and texts that break naive SQL, escaping or encodings; all different, each at most 50 code points. */
    protected static final List<String> TRICKY = TrickyText.ALL;

    protected ChatStore store;

    /** A new, empty store; the test closes it. */
    protected abstract ChatStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static PasswordHash password(int seed) {
        Random random = new Random(seed);
        byte[] salt = new byte[16];
        byte[] hash = new byte[64];
        random.nextBytes(salt);
        random.nextBytes(hash);
        hash[0] = 0;
        hash[1] = (byte) 0xFF;
        return new PasswordHash("PBKDF2WithHmacSHA256", 210_000 + Math.floorMod(seed, 1000), salt, hash);
    }

    protected long user(String name) {
        return store.createUser(name, password(name.hashCode()));
    }

    // ---- users

    @Test
    void aWorkingStorePassesItsCheck() {
        store.check();
        user("alice");
        store.check();
    }

    @Test
    void userIdsStartAtOneAndIncrease() {
        long a = user("alice");
        long b = user("bob");
        long c = user("carol");
        assertThat(a).isEqualTo(1);
        assertThat(b).isGreaterThan(a);
        assertThat(c).isGreaterThan(b);
    }

    @Test
    void findUserReturnsNameAndPasswordHashExactly() {
        PasswordHash pw = password(7);
        long id = store.createUser("alice", pw);
        assertThat(store.findUser(id)).contains(new UserRecord(id, "alice", pw));
        assertThat(store.findUser(id).orElseThrow().password().hash()).isEqualTo(pw.hash());
        assertThat(store.findUser(id).orElseThrow().password().salt()).isEqualTo(pw.salt());
        assertThat(store.user(id)).contains(new User(id, "alice"));
    }

    @Test
    void findUserAbsent() {
        assertThat(store.findUser(1)).isEmpty();
        long id = user("alice");
        assertThat(store.findUser(id + 1)).isEmpty();
        assertThat(store.findUser(0)).isEmpty();
        assertThat(store.findUser(-1)).isEmpty();
        assertThat(store.findUser(Long.MAX_VALUE)).isEmpty();
        assertThat(store.user(id + 1)).isEmpty();
    }

    @Test
    void duplicateUserNameIsTaken() {
        long alice = store.createUser("alice", password(1));
        assertThatThrownBy(() -> store.createUser("alice", password(2)))
                .isInstanceOf(NameTakenException.class).isInstanceOf(StoreException.class);
        assertThat(store.findUser(alice).orElseThrow().password()).isEqualTo(password(1));
        assertThat(user("bob")).isGreaterThan(alice);
    }

    @Test
    void userNamesAreComparedExactly() {
        List<String> names = List.of("bob", "Bob", "BOB", "bob ", " bob", "bób", "bo\u0301b");
        List<Long> ids = names.stream().map(this::user).toList();
        assertThat(ids).doesNotHaveDuplicates();
        for (int i = 0; i < names.size(); i++) {
            assertThat(store.findUser(ids.get(i)).orElseThrow().name()).isEqualTo(names.get(i));
        }
    }

    @Test
    void sameUserNameConcurrentlyExactlyOneWins() throws Exception {
        List<Object> outcomes = race(8, i -> () -> store.createUser("alice", password(i)));
        assertThat(outcomes).filteredOn(o -> o instanceof Long).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof NameTakenException).hasSize(7);
        long id = (Long) outcomes.stream().filter(o -> o instanceof Long).findFirst().orElseThrow();
        assertThat(store.user(id)).contains(new User(id, "alice"));
    }

    @Test
    void namesUpToTheLimitInCodePoints() {
        String fifty = "😀".repeat(ChatStore.MAX_NAME_LENGTH);
        long id = user(fifty);
        assertThat(store.findUser(id).orElseThrow().name()).isEqualTo(fifty);
        assertThatThrownBy(() -> user("a".repeat(ChatStore.MAX_NAME_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        String description = "🎉".repeat(ChatStore.MAX_DESCRIPTION_LENGTH);
        long g = store.createGroup(fifty, description, id);
        assertThat(store.findGroup(g)).contains(new Group(g, fifty, description));
        assertThatThrownBy(() -> store.createGroup("g2", "d".repeat(ChatStore.MAX_DESCRIPTION_LENGTH + 1), id))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("description");
        assertThatThrownBy(() -> store.createGroup("x".repeat(ChatStore.MAX_NAME_LENGTH + 1), "", id))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThatThrownBy(() -> store.createUser(null, password(1))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.createUser("alice", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.createGroup(null, "", 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.createGroup("g", null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.append(null)).isInstanceOf(NullPointerException.class);
        assertThat(store.findUser(1)).isEmpty();
        assertThat(store.findGroup(1)).isEmpty();
    }

    // ---- friends

    @Test
    void addFriendIsMutualIdempotentAndOrdered() {
        long a = user("alice");
        long b = user("bob");
        long c = user("carol");
        long d = user("dave");
        long loner = user("loner");
        store.addFriend(a, c);
        store.addFriend(a, b);
        store.addFriend(d, a);
        store.addFriend(b, a);
        store.addFriend(a, b);
        assertThat(store.friends(a)).containsExactly(new User(b, "bob"), new User(c, "carol"), new User(d, "dave"));
        assertThat(store.friends(b)).containsExactly(new User(a, "alice"));
        assertThat(store.friends(c)).containsExactly(new User(a, "alice"));
        assertThat(store.friends(d)).containsExactly(new User(a, "alice"));
        assertThat(store.friends(loner)).isEmpty();
        assertThat(store.friends(loner + 100)).isEmpty();
    }

    @Test
    void addFriendToSelfIsRejected() {
        long a = user("alice");
        assertThatThrownBy(() -> store.addFriend(a, a)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.friends(a)).isEmpty();
    }

    @Test
    void addFriendConcurrentlyFromBothSides() throws Exception {
        long a = user("alice");
        long b = user("bob");
        List<Object> outcomes = race(8, i -> () -> {
            if (i % 2 == 0) {
                store.addFriend(a, b);
            } else {
                store.addFriend(b, a);
            }
            return "ok";
        });
        assertThat(outcomes).containsOnly("ok");
        assertThat(store.friends(a)).containsExactly(new User(b, "bob"));
        assertThat(store.friends(b)).containsExactly(new User(a, "alice"));
    }

    // ---- groups

    @Test
    void createGroupMakesTheCreatorAMember() {
        long alice = user("alice");
        long g = store.createGroup("rustaceans", "all about crabs", alice);
        assertThat(g).isEqualTo(1);
        assertThat(store.findGroup(g)).contains(new Group(g, "rustaceans", "all about crabs"));
        assertThat(store.isMember(g, alice)).isTrue();
        assertThat(store.groupMemberIds(g)).containsExactly(alice);
        assertThat(store.groupsOf(alice)).containsExactly(new GroupWithMembers(
                new Group(g, "rustaceans", "all about crabs"), List.of(new Member(alice, "alice", Role.CREATOR))));
        long g2 = store.createGroup("gophers", "", alice);
        assertThat(g2).isGreaterThan(g);
        assertThat(store.findGroup(g2)).contains(new Group(g2, "gophers", ""));
    }

    @Test
    void findGroupAbsent() {
        assertThat(store.findGroup(1)).isEmpty();
        assertThat(store.findGroup(0)).isEmpty();
        assertThat(store.groupMemberIds(1)).isEmpty();
        assertThat(store.isMember(1, 1)).isFalse();
    }

    @Test
    void duplicateGroupNameIsTakenAndChangesNothing() {
        long alice = user("alice");
        long bob = user("bob");
        long g = store.createGroup("team", "first", alice);
        assertThatThrownBy(() -> store.createGroup("team", "second", bob)).isInstanceOf(NameTakenException.class);
        assertThat(store.findGroup(g)).contains(new Group(g, "team", "first"));
        assertThat(store.groupMemberIds(g)).containsExactly(alice);
        assertThat(store.groupsOf(bob)).isEmpty();
        assertThat(store.createGroup("Team", "", bob)).isGreaterThan(g);
    }

    @Test
    void sameGroupNameConcurrentlyExactlyOneWinsAtomically() throws Exception {
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add(user("u" + i));
        }
        List<Object> outcomes = race(8, i -> () -> store.createGroup("team", "by u" + i, users.get(i)));
        assertThat(outcomes).filteredOn(o -> o instanceof Long).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof NameTakenException).hasSize(7);
        long g = (Long) outcomes.stream().filter(o -> o instanceof Long).findFirst().orElseThrow();
        List<Long> members = store.groupMemberIds(g);
        assertThat(members).hasSize(1);
        for (long u : users) {
            assertThat(store.groupsOf(u)).hasSize(u == members.get(0) ? 1 : 0);
        }
    }

    @Test
    void joinGroupIsIdempotentAndKeepsTheCreatorsRole() {
        long alice = user("alice");
        long bob = user("bob");
        long carol = user("carol");
        long g = store.createGroup("team", "", alice);
        assertThat(store.isMember(g, bob)).isFalse();
        assertThat(store.joinGroup(g, bob)).isTrue();
        assertThat(store.joinGroup(g, bob)).isFalse();
        assertThat(store.joinGroup(g, alice)).isFalse();
        assertThat(store.isMember(g, bob)).isTrue();
        assertThat(store.isMember(g, carol)).isFalse();
        assertThat(store.isMember(g + 1, bob)).isFalse();
        assertThat(store.groupsOf(bob).get(0).members()).containsExactly(
                new Member(alice, "alice", Role.CREATOR), new Member(bob, "bob", Role.NORMAL));
    }

    @Test
    void joinGroupConcurrentlyExactlyOneJoins() throws Exception {
        long alice = user("alice");
        long bob = user("bob");
        long g = store.createGroup("team", "", alice);
        List<Object> outcomes = race(8, i -> () -> store.joinGroup(g, bob));
        assertThat(outcomes).filteredOn(Boolean.TRUE::equals).hasSize(1);
        assertThat(outcomes).filteredOn(Boolean.FALSE::equals).hasSize(7);
        assertThat(store.groupMemberIds(g)).containsExactly(alice, bob);
    }

    @Test
    void groupMemberIdsAreOrderedById() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(user("u" + i));
        }
        long g = store.createGroup("team", "", ids.get(2));
        store.joinGroup(g, ids.get(4));
        store.joinGroup(g, ids.get(0));
        store.joinGroup(g, ids.get(3));
        assertThat(store.groupMemberIds(g)).containsExactly(ids.get(0), ids.get(2), ids.get(3), ids.get(4));
    }

    @Test
    void groupsOfListsEveryGroupWithEveryMemberAndRole() {
        long alice = user("alice");
        long bob = user("bob");
        long carol = user("carol");
        long dave = user("dave");
        long g1 = store.createGroup("one", "first", carol);
        long g2 = store.createGroup("two", "second", alice);
        long g3 = store.createGroup("three", "not bob's", dave);
        store.joinGroup(g2, bob);
        store.joinGroup(g1, bob);
        store.joinGroup(g1, alice);
        assertThat(store.groupsOf(bob)).containsExactly(
                new GroupWithMembers(new Group(g1, "one", "first"), List.of(
                        new Member(alice, "alice", Role.NORMAL), new Member(bob, "bob", Role.NORMAL),
                        new Member(carol, "carol", Role.CREATOR))),
                new GroupWithMembers(new Group(g2, "two", "second"), List.of(
                        new Member(alice, "alice", Role.CREATOR), new Member(bob, "bob", Role.NORMAL))));
        assertThat(store.groupsOf(alice)).extracting(gm -> gm.group().id()).containsExactly(g1, g2);
        assertThat(store.groupsOf(dave)).extracting(gm -> gm.group().id()).containsExactly(g3);
        assertThat(store.groupsOf(dave + 1)).isEmpty();
    }

    // ---- text fidelity

    @Test
    void trickyNamesAndTextsRoundTrip() {
        long owner = user("owner");
        for (String text : TRICKY) {
            long id = user(text);
            assertThat(store.findUser(id).orElseThrow().name()).isEqualTo(text);
            long g = store.createGroup(text, text, id);
            assertThat(store.findGroup(g)).contains(new Group(g, text, text));
            assertThat(store.groupsOf(id).get(0).members()).containsExactly(new Member(id, text, Role.CREATOR));
            store.addFriend(owner, id);
        }
        assertThat(store.friends(owner)).extracting(User::name).containsExactlyElementsOf(TRICKY);
    }

    // ---- timelines: append, paging, cmids

    /** Whether this store runs the timeline tests (a store still being built may leave them out). */
    protected boolean hasTimelines() {
        return true;
    }

    /**
     * A second store on the same data, as another node would open it, or {@link #store} itself for a
     * store that cannot be shared; the caller closes it unless it is {@link #store}.
     */
    protected ChatStore otherNode() {
        return store;
    }

    private static NewMessage direct(long from, long to, String cmid, String text) {
        return NewMessage.direct(from, "u" + from, to, cmid, text, "2024-07-19 14:39:56");
    }

    private static NewMessage toGroup(long from, long groupId, String cmid, String text) {
        return NewMessage.group(from, "u" + from, groupId, cmid, text, null);
    }

    private StoredMessage appendOne(NewMessage m) {
        List<Appended> result = store.append(List.of(m));
        assertThat(result).hasSize(1);
        return result.get(0).message();
    }

    /** The cast of the timeline tests, made by {@link #cast()}: users u1, u2, u3 and the group "team" of a. */
    private long a;
    private long b;
    private long c;
    private long g;

    /** Creates users a, b, c (u1, u2, u3) and the group g ("team", created by a, so a is its only member). */
    private void cast() {
        List<Long> u = users(3);
        a = u.get(0);
        b = u.get(1);
        c = u.get(2);
        g = store.createGroup("team", "", a);
    }

    /** Creates users u1, u2, ... (ids 1, 2, ... in a new store) and returns their ids. */
    private List<Long> users(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(user("u" + i));
        }
        assertThat(ids.get(0)).isEqualTo(1);
        return ids;
    }

    @Test
    void appendGivesGaplessSeqsPerTimelineIncreasingMsgnosAndTheServerTime() {
        assumeTrue(hasTimelines());
        cast();
        store.joinGroup(g, b);
        long before = System.currentTimeMillis();
        List<Appended> first = store.append(List.of(direct(a, b, "c1", "a to b"), direct(c, b, null, "c to b"),
                direct(a, c, null, "a to c"), toGroup(a, g, "c2", "a to team"), direct(a, b, null, "again"),
                toGroup(b, g, null, "b to team")));
        long after = System.currentTimeMillis();
        assertThat(first).extracting(Appended::duplicate).containsOnly(false);
        assertThat(first).extracting(r -> r.message().seq()).containsExactly(1L, 2L, 1L, 1L, 3L, 2L);
        List<Long> msgnos = first.stream().map(r -> r.message().msgno()).toList();
        assertThat(msgnos).isSorted().doesNotHaveDuplicates();
        assertThat(msgnos.get(0)).isPositive();
        assertThat(first).extracting(r -> r.message().stime()).allSatisfy(t -> assertThat(t).isBetween(before, after));
        StoredMessage m = first.get(0).message();
        assertThat(m).isEqualTo(new StoredMessage(m.msgno(), 1, a, "u" + a, b, 0, "c1", "a to b",
                "2024-07-19 14:39:56", m.stime()));
        StoredMessage gm = first.get(3).message();
        assertThat(gm).isEqualTo(new StoredMessage(gm.msgno(), 1, a, "u" + a, 0, g, "c2", "a to team", null,
                gm.stime()));
        assertThat(gm.timeline()).isEqualTo(g);

        List<Appended> second = store.append(List.of(direct(c, b, null, "later"), toGroup(a, g, null, "later")));
        assertThat(second).extracting(r -> r.message().seq()).containsExactly(4L, 3L);
        assertThat(second.get(0).message().msgno()).isGreaterThan(msgnos.get(msgnos.size() - 1));
        assertThat(second.get(1).message().msgno()).isGreaterThan(second.get(0).message().msgno());
        assertThat(store.inbox(b, 0, 100)).containsExactly(first.get(0).message(), first.get(1).message(),
                first.get(4).message(), second.get(0).message());
        assertThat(store.inbox(c, 0, 100)).containsExactly(first.get(2).message());
        assertThat(store.groupMessages(g, 0, 100)).containsExactly(gm, first.get(5).message(),
                second.get(1).message());
        assertThat(store.append(List.of())).isEmpty();
    }

    @Test
    void inboxAndGroupMessagesPageBySeq() {
        assumeTrue(hasTimelines());
        cast();
        for (int i = 1; i <= 5; i++) {
            appendOne(direct(a, b, null, "d" + i));
            appendOne(toGroup(a, g, null, "g" + i));
        }
        assertThat(store.inbox(b, 0, 2)).extracting(StoredMessage::text).containsExactly("d1", "d2");
        assertThat(store.inbox(b, 2, 2)).extracting(StoredMessage::seq).containsExactly(3L, 4L);
        assertThat(store.inbox(b, 4, 10)).extracting(StoredMessage::text).containsExactly("d5");
        assertThat(store.inbox(b, 5, 10)).isEmpty();
        assertThat(store.inbox(b, 0, 0)).isEmpty();
        assertThat(store.inbox(a, 0, 10)).isEmpty();
        assertThat(store.inbox(b + 100, 0, 10)).isEmpty();
        assertThat(store.groupMessages(g, 0, 3)).extracting(StoredMessage::text).containsExactly("g1", "g2", "g3");
        assertThat(store.groupMessages(g, 3, 3)).extracting(StoredMessage::seq).containsExactly(4L, 5L);
        assertThat(store.groupMessages(g, 5, 3)).isEmpty();
        assertThat(store.groupMessages(g + 1, 0, 3)).isEmpty();
        assertThatThrownBy(() -> store.inbox(b, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResentCmidReturnsTheFirstMessageAndStoresNothing() {
        assumeTrue(hasTimelines());
        cast();
        StoredMessage first = appendOne(direct(a, b, "c-42", "hello"));
        List<Appended> again = store.append(List.of(direct(a, b, "c-42", "hello, edited"),
                toGroup(a, g, "c-42", "to the group this time")));
        assertThat(again).containsExactly(new Appended(first, true), new Appended(first, true));
        assertThat(store.inbox(b, 0, 10)).containsExactly(first);
        assertThat(store.groupMessages(g, 0, 10)).isEmpty();

        StoredMessage fromC = appendOne(direct(c, b, "c-42", "same cmid, other sender"));
        assertThat(fromC.msgno()).isNotEqualTo(first.msgno());
        assertThat(fromC.seq()).isEqualTo(2);

        List<Appended> batch = store.append(List.of(direct(a, b, "twice", "one"), direct(a, c, "twice", "two"),
                direct(a, b, null, "no cmid"), direct(a, b, null, "no cmid")));
        assertThat(batch).extracting(Appended::duplicate).containsExactly(false, true, false, false);
        assertThat(batch.get(1).message()).isEqualTo(batch.get(0).message());
        assertThat(batch.get(3).message().seq()).isEqualTo(batch.get(2).message().seq() + 1);
        assertThat(store.inbox(b, 0, 10)).extracting(StoredMessage::text)
                .containsExactly("hello", "same cmid, other sender", "one", "no cmid", "no cmid");
        assertThat(store.inbox(c, 0, 10)).isEmpty();
    }

    @Test
    void tooLongCmidsNamesAndTimesAreRejectedAndNothingIsStored() {
        assumeTrue(hasTimelines());
        cast();
        String longest = "😀".repeat(NewMessage.MAX_CMID_LENGTH);
        NewMessage ok = direct(a, b, null, "fine");
        assertThatThrownBy(() -> store.append(List.of(ok, direct(a, b, longest + "x", "too long"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cmid");
        assertThatThrownBy(() -> store.append(List.of(ok,
                NewMessage.direct(a, "n".repeat(ChatStore.MAX_NAME_LENGTH + 1), b, null, "x", null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("senderName");
        assertThatThrownBy(() -> store.append(List.of(ok,
                NewMessage.direct(a, "u1", b, null, "x", "t".repeat(MessageLimits.MAX_TIME_LENGTH + 1)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time");
        assertThat(store.inbox(b, 0, 10)).isEmpty();
        StoredMessage m = appendOne(NewMessage.direct(a, "😀".repeat(ChatStore.MAX_NAME_LENGTH), b, longest, "x",
                "🎉".repeat(MessageLimits.MAX_TIME_LENGTH)));
        assertThat(m.seq()).isEqualTo(1);
        assertThat(store.inbox(b, 0, 10)).containsExactly(m);
        assertThat(appendOne(direct(a, b, longest, "resent")).msgno()).isEqualTo(m.msgno());
    }

    @Test
    void trickyAndLongTextsRoundTrip() {
        assumeTrue(hasTimelines());
        cast();
        List<NewMessage> batch = new ArrayList<>();
        for (String text : TRICKY) {
            batch.add(NewMessage.direct(a, text, b, text, text, text));
            batch.add(NewMessage.group(a, text, g, text + "/g", text, text));
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 60 * 1024; i++) {
            sb.append(i).append(" 'q' \"qq\" \\ % _ 😀 𠜎 \u0000 é\n");
        }
        batch.add(direct(a, b, null, sb.toString()));
        List<StoredMessage> stored = store.append(batch).stream().map(Appended::message).toList();
        List<StoredMessage> inbox = store.inbox(b, 0, 1000);
        List<StoredMessage> group = store.groupMessages(g, 0, 1000);
        assertThat(inbox).hasSize(TRICKY.size() + 1);
        assertThat(group).hasSize(TRICKY.size());
        for (int i = 0; i < TRICKY.size(); i++) {
            String text = TRICKY.get(i);
            assertThat(inbox.get(i)).isEqualTo(stored.get(2 * i));
            assertThat(inbox.get(i)).extracting(StoredMessage::text, StoredMessage::senderName, StoredMessage::cmid,
                    StoredMessage::time).containsExactly(text, text, text, text);
            assertThat(group.get(i)).isEqualTo(stored.get(2 * i + 1));
            assertThat(group.get(i).cmid()).isEqualTo(text + "/g");
        }
        assertThat(inbox.get(TRICKY.size()).text()).isEqualTo(sb.toString());
        List<Appended> again = store.append(batch);
        assertThat(again.subList(0, batch.size() - 1)).extracting(Appended::duplicate).containsOnly(true);
        assertThat(again.subList(0, batch.size() - 1)).extracting(Appended::message)
                .containsExactlyElementsOf(stored.subList(0, batch.size() - 1));
        assertThat(again.get(batch.size() - 1).duplicate()).isFalse();
        StoredMessage empty = appendOne(direct(a, b, null, ""));
        assertThat(store.inbox(b, empty.seq() - 1, 10)).singleElement().extracting(StoredMessage::text).isEqualTo("");
    }

    @Test
    void aBatchOfAThousandIsStoredWholeAndResentWhole() {
        assumeTrue(hasTimelines());
        cast();
        List<Long> u = List.of(a, b, c);
        List<NewMessage> batch = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            long from = u.get(i % 3);
            batch.add(i % 4 == 0 ? toGroup(from, g, "c" + i, "m" + i) : direct(from, u.get((i + 1) % 3), "c" + i, "m" + i));
        }
        List<Appended> first = store.append(batch);
        assertThat(first).extracting(Appended::duplicate).containsOnly(false);
        assertThat(store.groupMessages(g, 0, 2000)).hasSize(300);
        for (long id : u) {
            assertThat(store.inbox(id, 0, 2000)).extracting(StoredMessage::seq).hasSize(300).last().isEqualTo(300L);
        }
        List<Appended> again = store.append(batch);
        assertThat(again).extracting(Appended::duplicate).containsOnly(true);
        assertThat(again).extracting(Appended::message).containsExactlyElementsOf(
                first.stream().map(Appended::message).toList());
    }

    // ---- cursors

    @Test
    void cursorsListTheInboxThenEachGroupById() {
        assumeTrue(hasTimelines());
        cast();
        assertThat(store.cursors(b)).containsExactly(new Cursor(0, 0, 0));
        assertThat(store.cursors(c + 100)).containsExactly(new Cursor(0, 0, 0));
        long g1 = g;
        long g2 = store.createGroup("two", "", a);
        store.joinGroup(g2, b);
        store.append(List.of(toGroup(a, g1, null, "1"), toGroup(a, g1, null, "2"), toGroup(a, g1, null, "3"),
                direct(a, b, null, "x"), direct(c, b, null, "y")));
        store.joinGroup(g1, b);
        store.joinGroup(g1, b);
        assertThat(store.cursors(b)).containsExactly(new Cursor(0, 0, 2), new Cursor(g1, 3, 3), new Cursor(g2, 0, 0));
        assertThat(store.cursors(a)).containsExactly(new Cursor(0, 0, 0), new Cursor(g1, 0, 3), new Cursor(g2, 0, 0));
        appendOne(toGroup(b, g1, null, "4"));
        assertThat(store.cursors(b).get(1)).isEqualTo(new Cursor(g1, 3, 4));
        assertThat(store.cursors(b).get(1).pending()).isTrue();
        assertThat(store.cursors(c)).containsExactly(new Cursor(0, 0, 0));
    }

    @Test
    void ackMovesForwardOnlyAndNeverPastTheLastSeq() {
        assumeTrue(hasTimelines());
        cast();
        store.joinGroup(g, b);
        store.append(List.of(direct(a, b, null, "1"), direct(a, b, null, "2"), direct(a, b, null, "3"),
                toGroup(b, g, null, "1"), toGroup(b, g, null, "2"), toGroup(b, g, null, "3")));
        store.ack(b, 0, 2);
        assertThat(store.cursors(b).get(0)).isEqualTo(new Cursor(0, 2, 3));
        store.ack(b, 0, 1);
        assertThat(store.cursors(b).get(0)).isEqualTo(new Cursor(0, 2, 3));
        store.ack(b, 0, 10);
        assertThat(store.cursors(b).get(0)).isEqualTo(new Cursor(0, 3, 3));
        store.ack(a, g, 5);
        assertThat(store.cursors(a)).containsExactly(new Cursor(0, 0, 0), new Cursor(g, 3, 3));
        assertThat(store.cursors(b).get(1)).isEqualTo(new Cursor(g, 0, 3));
        store.ack(c, 0, 1);
        store.ack(c, g, 2);
        store.ack(c, g + 1, 2);
        assertThat(store.cursors(c)).containsExactly(new Cursor(0, 0, 0));
        store.joinGroup(g, c);
        assertThat(store.cursors(c)).containsExactly(new Cursor(0, 0, 0), new Cursor(g, 3, 3));
    }

    @Test
    void rewindMovesBackOnlyAndNotBelowZero() {
        assumeTrue(hasTimelines());
        cast();
        store.append(List.of(direct(a, b, null, "1"), direct(a, b, null, "2"), direct(a, b, null, "3"),
                toGroup(a, g, null, "1"), toGroup(a, g, null, "2")));
        store.ack(b, 0, 3);
        store.rewind(b, 0, 1);
        assertThat(store.cursors(b).get(0)).isEqualTo(new Cursor(0, 1, 3));
        store.rewind(b, 0, 2);
        assertThat(store.cursors(b).get(0)).isEqualTo(new Cursor(0, 1, 3));
        store.rewind(b, 0, -5);
        assertThat(store.cursors(b).get(0)).isEqualTo(new Cursor(0, 0, 3));
        store.ack(a, g, 2);
        store.rewind(a, g, 1);
        assertThat(store.cursors(a).get(1)).isEqualTo(new Cursor(g, 1, 2));
        store.rewind(c, g, 0);
        store.rewind(c, 0, 0);
        assertThat(store.cursors(c)).containsExactly(new Cursor(0, 0, 0));
        store.joinGroup(g, c);
        assertThat(store.cursors(c).get(1)).isEqualTo(new Cursor(g, 2, 2));
    }

    // ---- history

    @Test
    void conversationHasBothDirectionsNewestFirstInPages() {
        assumeTrue(hasTimelines());
        cast();
        store.joinGroup(g, b);
        List<StoredMessage> ab = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ab.add(appendOne(i % 3 == 0 ? direct(b, a, null, "b" + i) : direct(a, b, null, "a" + i)));
            appendOne(direct(c, i % 2 == 0 ? a : b, null, "from c"));
            appendOne(direct(a, c, null, "to c"));
            appendOne(toGroup(a, g, null, "group"));
        }
        Collections.reverse(ab);
        assertThat(store.conversation(a, b, 0, 100)).containsExactlyElementsOf(ab);
        assertThat(store.conversation(b, a, -1, 100)).containsExactlyElementsOf(ab);
        List<StoredMessage> page1 = store.conversation(a, b, 0, 4);
        assertThat(page1).containsExactlyElementsOf(ab.subList(0, 4));
        List<StoredMessage> page2 = store.conversation(a, b, page1.get(3).msgno(), 4);
        assertThat(page2).containsExactlyElementsOf(ab.subList(4, 6));
        assertThat(store.conversation(a, b, ab.get(5).msgno(), 4)).isEmpty();
        assertThat(store.conversation(a, b, ab.get(0).msgno(), 1)).containsExactly(ab.get(1));
        assertThat(store.conversation(b, c, 0, 100)).extracting(StoredMessage::text).containsOnly("from c").hasSize(3);
        assertThat(store.conversation(a, a, 0, 100)).isEmpty();
    }

    @Test
    void groupHistoryIsNewestFirstInPages() {
        assumeTrue(hasTimelines());
        cast();
        long g1 = g;
        long g2 = store.createGroup("two", "", a);
        List<StoredMessage> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(appendOne(toGroup(a, g1, null, "m" + i)));
            appendOne(toGroup(a, g2, null, "other group"));
            appendOne(direct(a, b, null, "direct"));
        }
        Collections.reverse(mine);
        assertThat(store.groupHistory(g1, 0, 100)).containsExactlyElementsOf(mine);
        assertThat(store.groupHistory(g1, 0, 2)).containsExactlyElementsOf(mine.subList(0, 2));
        assertThat(store.groupHistory(g1, mine.get(1).msgno(), 2)).containsExactlyElementsOf(mine.subList(2, 4));
        assertThat(store.groupHistory(g1, mine.get(3).msgno(), 2)).containsExactly(mine.get(4));
        assertThat(store.groupHistory(g1, mine.get(4).msgno(), 2)).isEmpty();
        assertThat(store.groupHistory(g2 + 1, 0, 2)).isEmpty();
    }

    // ---- concurrent appends, from one node or two

    @Test
    void concurrentAppendsKeepSeqsGaplessAndStoreEachCmidOnce() throws Exception {
        assumeTrue(hasTimelines());
        List<Long> u = users(4);
        long g = store.createGroup("team", "", u.get(0));
        for (long id : u.subList(1, 4)) {
            store.joinGroup(g, id);
        }
        ChatStore other = otherNode();
        try {
            int rounds = 40;
            List<Object> outcomes = race(4, i -> () -> {
                ChatStore node = i < 2 ? store : other;
                long sender = u.get(i % 2); // threads 0 and 2 send as u1, 1 and 3 as u2, one on each node
                List<Appended> results = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    List<NewMessage> batch = new ArrayList<>();
                    for (int k = 0; k <= r % 4; k++) {
                        String cmid = k == 0 ? "shared-" + r : k == 1 ? null : "t" + i + "-" + r + "-" + k;
                        long to = u.get((i + r + k) % 4);
                        batch.add((r + k) % 3 == 0 || to == sender ? toGroup(sender, g, cmid, "g" + i + "-" + r)
                                : direct(sender, to, cmid, "d" + i + "-" + r));
                    }
                    results.addAll(node.append(batch));
                }
                return results;
            });
            List<Appended> all = new ArrayList<>();
            for (Object o : outcomes) {
                assertThat(o).isInstanceOf(List.class);
                for (Object a : (List<?>) o) {
                    all.add((Appended) a);
                }
            }
            List<StoredMessage> stored = new ArrayList<>(store.groupMessages(g, 0, 10_000));
            assertGapless(stored);
            for (long id : u) {
                List<StoredMessage> inbox = store.inbox(id, 0, 10_000);
                assertGapless(inbox);
                stored.addAll(inbox);
            }
            List<StoredMessage> fresh = all.stream().filter(x -> !x.duplicate()).map(Appended::message).toList();
            assertThat(stored).hasSameSizeAs(fresh).containsExactlyInAnyOrderElementsOf(fresh);
            assertThat(stored).extracting(StoredMessage::msgno).doesNotHaveDuplicates();
            Map<String, List<StoredMessage>> byCmid = new HashMap<>();
            for (StoredMessage m : stored) {
                if (m.cmid() != null) {
                    byCmid.computeIfAbsent(m.senderId() + "/" + m.cmid(), k -> new ArrayList<>()).add(m);
                }
            }
            assertThat(byCmid.values()).allSatisfy(list -> assertThat(list).hasSize(1));
            assertThat(byCmid).containsKeys(u.get(0) + "/shared-0", u.get(1) + "/shared-" + (rounds - 1));
            for (Appended x : all) {
                if (x.message().cmid() != null) {
                    assertThat(x.message()).isEqualTo(byCmid.get(x.message().senderId() + "/" + x.message().cmid()).get(0));
                }
            }
            assertThat(all.stream().filter(Appended::duplicate).count()).isEqualTo(2L * rounds);
        } finally {
            if (other != store) {
                other.close();
            }
        }
    }

    @Test
    void appendersOfSeparateTimelinesNeverDeadlock() throws Exception {
        // each thread sends to recipients of its own (ids interleaved with the others'), in batches
        // that span the others' ids, as commit lanes or nodes with recipients of their own do
        assumeTrue(hasTimelines());
        int threads = 4;
        List<Long> u = users(120);
        ChatStore other = otherNode();
        try {
            int rounds = 60;
            List<Object> outcomes = race(threads, i -> () -> {
                ChatStore node = i % 2 == 0 ? store : other;
                for (int r = 0; r < rounds; r++) {
                    List<NewMessage> batch = new ArrayList<>();
                    for (int k = i; k < u.size(); k += threads) {
                        if ((k + r) % 3 != 0) {
                            batch.add(direct(u.get((k + 1) % u.size()), u.get(k), null, "r" + r));
                        }
                    }
                    node.append(batch);
                }
                return "done";
            });
            assertThat(outcomes).containsOnly("done");
            for (long id : u) {
                assertGapless(store.inbox(id, 0, 10_000));
            }
        } finally {
            if (other != store) {
                other.close();
            }
        }
    }

    private static void assertGapless(List<StoredMessage> timeline) {
        for (int i = 0; i < timeline.size(); i++) {
            assertThat(timeline.get(i).seq()).as("seq at %d of %s", i, timeline).isEqualTo(i + 1);
        }
        assertThat(timeline).extracting(StoredMessage::msgno).isSorted().doesNotHaveDuplicates();
    }

    // ---- lifecycle

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        long alice = user("alice");
        store.close();
        store.close();
        assertThatThrownBy(() -> store.findUser(alice)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.createUser("bob", password(2))).isInstanceOf(StoreException.class);
        if (hasTimelines()) {
            assertThatThrownBy(() -> store.append(List.of(NewMessage.direct(alice, "alice", alice, null, "x", null))))
                    .isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> store.cursors(alice)).isInstanceOf(StoreException.class);
        }
    }

    /**
     * Starts {@code threads} tasks at once and returns each one's result, or the exception it threw,
     * in task order.
     */
    protected static List<Object> race(int threads, IntFunction<Callable<?>> task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<?> t = task.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return t.call();
                }));
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("race finished").isTrue();
            List<Object> outcomes = new ArrayList<>();
            for (Future<?> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
