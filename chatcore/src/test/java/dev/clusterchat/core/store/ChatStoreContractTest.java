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
        assertThatThrownBy(() -> store.storeOffline(1, null)).isInstanceOf(NullPointerException.class);
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

    // ---- offline messages

    @Test
    void takeOfflineReturnsOldestFirstAndRemoves() {
        long alice = user("alice");
        long bob = user("bob");
        store.storeOffline(alice, "m1");
        store.storeOffline(bob, "for bob");
        store.storeOffline(alice, "m2");
        store.storeOffline(alice, "m3");
        assertThat(store.takeOffline(alice)).containsExactly("m1", "m2", "m3");
        assertThat(store.takeOffline(alice)).isEmpty();
        assertThat(store.takeOffline(bob)).containsExactly("for bob");
        assertThat(store.takeOffline(bob + 100)).isEmpty();
        store.storeOffline(alice, "m4");
        assertThat(store.takeOffline(alice)).containsExactly("m4");
    }

    @Test
    void storeOfflineToSeveralUsersInOneBatch() {
        long a = user("a");
        long b = user("b");
        long c = user("c");
        store.storeOffline(b, "earlier");
        store.storeOffline(List.of(a, b, c), "hello all");
        store.storeOffline(List.of(), "nobody");
        store.storeOffline(List.of(c, a), "later");
        assertThat(store.takeOffline(a)).containsExactly("hello all", "later");
        assertThat(store.takeOffline(b)).containsExactly("earlier", "hello all");
        assertThat(store.takeOffline(c)).containsExactly("hello all", "later");
    }

    @Test
    void takeOfflineConcurrentlyReturnsEveryMessageExactlyOnce() throws Exception {
        long a = user("alice");
        long b = user("bob");
        int perProducer = 150;
        CountDownLatch producersLeft = new CountDownLatch(2);
        Map<Long, List<List<String>>> taken = new HashMap<>();
        taken.put(a, Collections.synchronizedList(new ArrayList<>()));
        taken.put(b, Collections.synchronizedList(new ArrayList<>()));
        List<Object> outcomes = race(6, i -> () -> {
            if (i < 2) {
                try {
                    for (int n = 0; n < perProducer; n++) {
                        store.storeOffline(n % 3 == 0 ? List.of(a, b) : List.of(n % 2 == 0 ? a : b), "p" + i + "-" + n);
                    }
                } finally {
                    producersLeft.countDown();
                }
                return "produced";
            }
            long who = i % 2 == 0 ? a : b;
            while (producersLeft.getCount() > 0) {
                taken.get(who).add(store.takeOffline(who));
                taken.get(a + b - who).add(store.takeOffline(a + b - who));
            }
            return "taken";
        });
        assertThat(outcomes).containsOnly("produced", "taken");
        for (long who : List.of(a, b)) {
            taken.get(who).add(store.takeOffline(who));
            List<String> all = new ArrayList<>();
            for (List<String> batch : taken.get(who)) {
                assertThat(batch).isSortedAccordingTo(ChatStoreContractTest::byProducerOrder);
                all.addAll(batch);
            }
            assertThat(all).doesNotHaveDuplicates();
            List<String> expected = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                for (int n = 0; n < perProducer; n++) {
                    if (n % 3 == 0 || (n % 2 == 0) == (who == a)) {
                        expected.add("p" + p + "-" + n);
                    }
                }
            }
            assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /** Orders messages of the same producer by sequence; messages of different producers compare equal. */
    private static int byProducerOrder(String x, String y) {
        String[] px = x.split("-");
        String[] py = y.split("-");
        return px[0].equals(py[0]) ? Integer.compare(Integer.parseInt(px[1]), Integer.parseInt(py[1])) : 0;
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
            store.storeOffline(id, text);
            store.storeOffline(id, text + text);
            assertThat(store.takeOffline(id)).containsExactly(text, text + text);
        }
        assertThat(store.friends(owner)).extracting(User::name).containsExactlyElementsOf(TRICKY);
    }

    @Test
    void longMessagesRoundTrip() {
        long alice = user("alice");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 60 * 1024; i++) {
            sb.append(i).append(" 'q' \"qq\" \\ % _ 😀 𠜎 \u0000 é\n");
        }
        String big = sb.toString();
        store.storeOffline(alice, big);
        store.storeOffline(alice, "");
        List<String> taken = store.takeOffline(alice);
        assertThat(taken).hasSize(2);
        assertThat(taken.get(0)).isEqualTo(big);
        assertThat(taken.get(1)).isEmpty();
    }

    // ---- lifecycle

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        long alice = user("alice");
        store.close();
        store.close();
        assertThatThrownBy(() -> store.findUser(alice)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.createUser("bob", password(2))).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.takeOffline(alice)).isInstanceOf(StoreException.class);
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
