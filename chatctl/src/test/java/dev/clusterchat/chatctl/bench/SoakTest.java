package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.chatctl.Chatctl;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.store.memory.MemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A soak: open-loop chat against a server with its default limits, then everything the run held
 * must be gone: connections, sessions, the commit queue, and the heap back where it was after a warm-up
 * round. Ten seconds by default; {@code -Dchat.soak.seconds=600} for the ten-minute soak of
 * docs/OPERATIONS.md.
 */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.HOURS)
class SoakTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void afterLongChatTheServerHoldsNothingMore() throws Exception {
        int seconds = Integer.getInteger("chat.soak.seconds", 10);
        MemoryStore store = new MemoryStore();
        ChatServer server = new ChatServer(ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000), store).start();
        try {
            // 20 pairs at 2,000 msgs/s in all: 100 a second per sender, within the default rate limit
            round(server, 3);
            long warm = heapAfterGc();
            JsonObject soak = round(server, seconds);
            assertThat(soak.get("delivered").getAsLong()).isGreaterThan(1000L * seconds);
            awaitIdle(server);
            long after = heapAfterGc();
            System.out.printf("soak: %d s, %d messages, heap after warm-up %.1f MiB, after soak %.1f MiB%n",
                    seconds, soak.get("delivered").getAsLong(), warm / (double) MIB, after / (double) MIB);
            assertThat(after - warm).as("heap growth over the soak, bytes").isLessThan(8 * MIB);
            assertThat(server.commitQueue()).isZero();
        } finally {
            server.stop(Duration.ofSeconds(5));
            store.close();
        }
    }

    private static JsonObject round(ChatServer server, int seconds) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Chatctl(new ByteArrayInputStream(new byte[0]), Map.of()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("--port", Integer.toString(server.port()), "bench", "chat", "--pairs", "20",
                "--rate", "2000", "--duration", Integer.toString(seconds), "--warmup", "0.5", "--json");
        assertThat(exit).as(err.toString()).isZero();
        JsonObject j = JsonParser.parseString(out.toString().strip()).getAsJsonObject();
        assertThat(j.get("lost").getAsLong()).isZero();
        assertThat(j.get("duplicated").getAsLong()).isZero();
        assertThat(j.get("errors").getAsLong()).isZero();
        awaitIdle(server);
        return j;
    }

    /** Every connection of the run closed and every user logged out. */
    private static void awaitIdle(ChatServer server) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((server.connections() > 0 || server.onlineUsers() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.connections()).as("connections open after the run").isZero();
        assertThat(server.onlineUsers()).as("users online after the run").isZero();
    }

    private static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
