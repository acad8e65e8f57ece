package dev.clusterchat.core.store.memory;

import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.ChatStoreContractTest;

/** The store contract on the in-memory store. */
class MemoryStoreTest extends ChatStoreContractTest {
    @Override
    protected ChatStore newStore() {
        return new MemoryStore();
    }
}
