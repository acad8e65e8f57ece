package dev.clusterchat.core.testsupport;

import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.store.ChatStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A {@link ChatServer} on a free port over the given store (two I/O loops, cheap password hashes),
 * and the clients a test opens on it; {@link #close()} closes the clients, stops the server and
 * closes the store. One test thread at a time.
 */
public final class TestServer implements AutoCloseable {
    private final ChatStore store;
    private final ChatServer server;
    private final List<ChatClient> clients = new ArrayList<>();

    private TestServer(ChatStore store, UnaryOperator<ChatServerConfig> tweak) {
        this.store = store;
        this.server = new ChatServer(tweak.apply(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000)), store).start();
    }

    public static TestServer start(ChatStore store) {
        return new TestServer(store, UnaryOperator.identity());
    }

    /** With the defaults changed by {@code tweak} (e.g. other abuse limits). */
    public static TestServer start(ChatStore store, UnaryOperator<ChatServerConfig> tweak) {
        return new TestServer(store, tweak);
    }

    public ChatServer server() {
        return server;
    }

    /** A new protocol v1 (LF-framed) client, closed with the server. */
    public ChatClient client() {
        return keep(ChatClient.connect(server.port()));
    }

    /** A new legacy (NUL-framed, seed) client, closed with the server. */
    public ChatClient legacyClient() {
        return keep(ChatClient.connectLegacy(server.port()));
    }

    /** A new protocol v1 client with a small socket receive buffer (a reader that falls behind), closed with the server. */
    public ChatClient clientWithReceiveBuffer(int bytes) {
        return keep(ChatClient.connectWithReceiveBuffer(server.port(), bytes));
    }

    private ChatClient keep(ChatClient c) {
        clients.add(c);
        return c;
    }

    @Override
    public void close() {
        clients.forEach(ChatClient::close);
        server.stop(Duration.ofSeconds(5));
        store.close();
    }
}
