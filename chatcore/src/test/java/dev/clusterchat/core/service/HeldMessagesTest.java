package dev.clusterchat.core.service;

import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.net.TcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages held back until a login reply, for a client that does not read: the connection is
 * dropped at the high-water mark while they are being sent, and every one of them is either
 * received or handed back to be routed again.
 */
@Timeout(30)
class HeldMessagesTest {
    @Test
    void heldMessagesAreReceivedOrRoutedAgainWhenTheReaderIsDroppedMeanwhile() throws Exception {
        int n = 200;
        String pad = "x".repeat(1000);
        List<String> routedAgain = new CopyOnWriteArrayList<>();
        ExecutorService workers = Executors.newFixedThreadPool(2);
        Dispatcher d = Dispatcher.builder(workers)
                .onStrayMessages((user, frames) -> frames.forEach(f -> routedAgain.add(new String(f, StandardCharsets.UTF_8))))
                .route(100, r -> {
                    Session s = r.session();
                    s.login(42, "u");
                    for (int i = 0; i < n; i++) {
                        s.deliverInLoop(message(i, pad).getBytes(StandardCharsets.UTF_8));
                    }
                    s.replyLoginInLoop("{\"msgid\":2,\"errno\":0,\"id\":42}".getBytes(StandardCharsets.UTF_8), () -> { });
                    r.ok();
                }, false, Dispatcher.Mode.LOOP)
                .build();
        TcpServer server = new TcpServer(ServerConfig.defaults(0).withIoThreads(1).withMaxFrameLength(16 * 1024)
                .withHighWaterMark(64 * 1024), d).start();
        Set<String> received = new HashSet<>();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.setSoTimeout(10_000);
            s.getOutputStream().write("{\"msgid\":100}\n".getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10); // not reading: waiting for the drop
            }
            assertThat(server.connectionCount()).as("dropped at the high-water mark").isZero();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains("\"msgid\":6")) {
                        received.add(line);
                    }
                }
            } catch (IOException cut) {
                // the end of what the kernel had
            }
        } finally {
            server.stop(Duration.ofSeconds(2));
            workers.shutdownNow();
        }
        Set<String> all = new HashSet<>(received);
        for (String m : routedAgain) {
            assertThat(all.add(m)).as("received and also routed again: " + m.substring(0, 30)).isTrue();
        }
        assertThat(routedAgain).as("some were routed again").isNotEmpty();
        for (int i = 0; i < n; i++) {
            assertThat(all).as("message " + i).contains(message(i, pad));
        }
    }

    private static String message(int i, String pad) {
        return "{\"msgid\":6,\"id\":1,\"toid\":42,\"msg\":\"" + i + ":" + pad + "\"}";
    }
}
