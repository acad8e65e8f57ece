package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;
import dev.clusterchat.core.admin.AdminServer;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.service.AbuseLimits;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.store.memory.MemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** bench connections against an in-process chatd (with its admin endpoint), and its parts. */
@Timeout(120)
class ConnectionsBenchTest {
    /** A chatd in-process with an admin endpoint; {@code maxConnections} 0 for no limit. */
    private static final class Server implements AutoCloseable {
        final MemoryStore store = new MemoryStore();
        final ChatServer chat;
        final AdminServer admin;

        Server(int maxConnections) {
            chat = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2)
                            .withMaxConnections(maxConnections))
                    .withPasswordIterations(1000).withAbuseLimits(AbuseLimits.NONE), store).start();
            admin = new AdminServer(new InetSocketAddress("127.0.0.1", 0), chat).start();
        }

        String port() {
            return Integer.toString(chat.port());
        }

        String adminUrl() {
            return "http://127.0.0.1:" + admin.port();
        }

        @Override
        public void close() {
            admin.close();
            chat.stop(Duration.ofSeconds(5));
            store.close();
        }
    }

    private static BenchRun run(String... args) {
        return BenchRun.of(args);
    }

    @Test
    void opensLogsInHoldsAndPingsEveryConnectionAndReadsTheServersMemory() {
        try (Server s = new Server(0)) {
            BenchRun r = run("--port", s.port(), "bench", "connections", "--connections", "40", "--sources", "3",
                    "--hold", "1.3", "--sample", "10", "--admin", s.adminUrl(), "--json");
            assertThat(r.exit()).as(r.err() + r.out()).isZero();
            JsonObject j = r.json();
            assertThat(j.get("scenario").getAsString()).isEqualTo("connections");
            assertThat(j.get("sources").getAsInt()).isEqualTo(3);
            assertThat(j.get("opened").getAsLong()).isEqualTo(40);
            assertThat(j.get("logged_in").getAsLong()).isEqualTo(40);
            assertThat(j.get("failed").getAsLong()).isZero();
            assertThat(j.get("dropped").getAsLong()).isZero();
            assertThat(j.get("ping_sample").getAsLong()).isEqualTo(10);
            assertThat(j.get("ping_answered").getAsLong()).isEqualTo(10);
            assertThat(j.get("setup_latency_count").getAsLong()).isEqualTo(40);
            assertThat(j.get("server_connections_open_after").getAsDouble()).isEqualTo(40);
            assertThat(j.get("server_heap_after_bytes").getAsDouble()).isPositive();
            assertThat(j.has("server_heap_per_connection_bytes")).isTrue();
            assertThat(j.get("heap_method").getAsString()).isEqualTo("least of 5 readings");
            assertThat(r.err()).contains("holding 40 connections, dropped 0");
        }
    }

    @Test
    void connectionsTheServerRefusesCountAsFailedAndExit1() {
        try (Server s = new Server(5)) {
            BenchRun r = run("--port", s.port(), "bench", "connections", "--connections", "8", "--hold", "0",
                    "--sample", "3", "--json");
            assertThat(r.exit()).as(r.err() + r.out()).isEqualTo(1);
            JsonObject j = r.json();
            assertThat(j.get("logged_in").getAsLong()).isEqualTo(5);
            assertThat(j.get("failed").getAsLong()).isEqualTo(3);
            assertThat(j.get("ping_answered").getAsLong()).isEqualTo(3);
        }
    }

    @Test
    void moreConnectionsThanTheFileLimitIsAOneLineUsageError() {
        BenchRun r = run("bench", "connections", "--connections", "200000000");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("chatctl: --connections 200000000 needs about 200000100 file descriptors")
                .contains("(ulimit -n)");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run("bench", "connections", "--server-pid", "1").err()).startsWith("chatctl: --server-pid needs --admin");
        assertThat(run("bench", "connections", "--sources", "0").exit()).isEqualTo(2);
        assertThat(run("bench", "connections", "--host", "192.0.2.1", "--sources", "2").err())
                .startsWith("chatctl: --sources above 1 needs a loopback --host");
    }

    @Test
    void unreachableServerExits3() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        BenchRun r = run("--port", Integer.toString(free), "bench", "connections", "--connections", "3");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("chatctl: cannot connect to 127.0.0.1:" + free);
    }

    @Test
    void aConnectionOpensFromItsSourceAddress() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
             BenchLoop loop = new BenchLoop(0)) {
            BenchConnection.open(new InetSocketAddress("127.0.0.1", server.getLocalPort()),
                    new InetSocketAddress("127.0.0.3", 0), 5000, loop, false);
            try (Socket accepted = server.accept()) {
                assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("127.0.0.3");
            }
        }
    }

    @Test
    void readsUnlabelledSamplesFromPrometheusText() {
        String text = "# HELP x\njvm_memory_heap_used_bytes 1.5E7\njvm_memory_heap_used_bytes_x 3\n"
                + "chat_connections_open 12\n";
        assertThat(ServerMemory.value(text, ServerMemory.HEAP).getAsDouble()).isEqualTo(1.5e7);
        assertThat(ServerMemory.value(text, ServerMemory.OPEN).getAsDouble()).isEqualTo(12);
        assertThat(ServerMemory.value(text, ServerMemory.RSS)).isEmpty();
    }
}
