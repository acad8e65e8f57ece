package dev.clusterchat.core.metrics;

import dev.clusterchat.core.store.NameTakenException;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.memory.MemoryStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every call is timed under its operation; only store failures count as failures. */
class TimedStoreTest {
    private static final PasswordHash PW = new PasswordHash("x", 1, new byte[0], new byte[0]);

    private static double value(TimedStore store, String name, String op) {
        MetricsSnapshot.Builder b = MetricsSnapshot.builder();
        store.addTo(b);
        return b.build().value(name, "op", op).orElseThrow();
    }

    @Test
    void callsAreCountedByOperation() {
        try (TimedStore store = new TimedStore(new MemoryStore())) {
            long alice = store.createUser("alice", PW);
            store.findUser(alice);
            store.user(alice); // a default method: goes through findUser
            store.check();
            store.append(List.of(NewMessage.direct(alice, "alice", alice, null, "m", null)));
            store.inbox(alice, 0, 10);
            assertThat(value(store, "chat_store_call_seconds_count", "append")).isEqualTo(1);
            assertThat(value(store, "chat_store_call_seconds_count", "inbox")).isEqualTo(1);
            assertThat(value(store, "chat_store_call_seconds_count", "createUser")).isEqualTo(1);
            assertThat(value(store, "chat_store_call_seconds_count", "findUser")).isEqualTo(2);
            assertThat(value(store, "chat_store_call_seconds_count", "check")).isEqualTo(1);
            assertThat(value(store, "chat_store_call_seconds_count", "groupsOf")).isZero();
            assertThat(value(store, "chat_store_failures_total", "findUser")).isZero();
        }
    }

    @Test
    void aTakenNameIsNotAFailureButAClosedStoreIs() {
        MemoryStore inner = new MemoryStore();
        TimedStore store = new TimedStore(inner);
        store.createUser("alice", PW);
        assertThatThrownBy(() -> store.createUser("alice", PW)).isInstanceOf(NameTakenException.class);
        assertThat(value(store, "chat_store_failures_total", "createUser")).isZero();
        assertThat(value(store, "chat_store_call_seconds_count", "createUser")).isEqualTo(2);
        store.close();
        assertThatThrownBy(() -> store.findUser(1)).isInstanceOf(StoreException.class);
        assertThat(value(store, "chat_store_failures_total", "findUser")).isEqualTo(1);
    }
}
