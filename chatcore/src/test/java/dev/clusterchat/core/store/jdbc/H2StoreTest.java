package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.ChatStoreContractTest;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.Group;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.Member;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.Role;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on embedded H2 in file mode, plus a restart. */
class H2StoreTest extends ChatStoreContractTest {
    @TempDir
    Path dataDir;

    @Override
    protected ChatStore otherNode() {
        return JdbcStore.embedded(dataDir); // a second store on the same database in this JVM
    }

    @Override
    protected ChatStore newStore() {
        return JdbcStore.embedded(dataDir);
    }

    @Test
    void dataSurvivesARestartAndNewIdsDoNotCollide() {
        long alice = user("alice");
        long bob = user("bob");
        store.addFriend(alice, bob);
        long g = store.createGroup("team", "desc 😀", alice);
        store.joinGroup(g, bob);
        StoredMessage first = store.append(List.of(NewMessage.direct(alice, "alice", bob, "c1", "hi", null))).get(0)
                .message();
        store.ack(bob, 0, 1);
        store.close();

        store = JdbcStore.embedded(dataDir);
        assertThat(store.findUser(alice)).contains(new UserRecord(alice, "alice", password("alice".hashCode())));
        assertThat(store.friends(bob)).containsExactly(new User(alice, "alice"));
        assertThat(store.groupsOf(bob)).containsExactly(new GroupWithMembers(new Group(g, "team", "desc 😀"),
                List.of(new Member(alice, "alice", Role.CREATOR), new Member(bob, "bob", Role.NORMAL))));
        assertThat(user("carol")).isGreaterThan(bob);
        assertThat(store.createGroup("other", "", bob)).isGreaterThan(g);
        assertThat(store.inbox(bob, 0, 10)).containsExactly(first);
        assertThat(store.cursors(bob)).startsWith(new Cursor(0, 1, 1), new Cursor(g, 0, 0));
        StoredMessage second = store.append(List.of(NewMessage.direct(alice, "alice", bob, null, "again", null)))
                .get(0).message();
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.msgno()).isGreaterThan(first.msgno());
    }
}
