package dev.clusterchat.core.net;

import static dev.clusterchat.core.net.NetTestSupport.TIMEOUT_SECONDS;
import static dev.clusterchat.core.net.NetTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clusterchat.core.net.NetTestSupport.LineClient;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every way a connection ends is told apart by {@link Connection#closeReason()}. */
class CloseReasonTest {
    private static final int HIGH_WATER_MARK = 64 * 1024;

    private final BlockingQueue<CloseReason> closed = new LinkedBlockingQueue<>();
    private TcpServer server;

    /** Echoes; "close" closes, "throw" throws, "flood" queues four times the high-water mark at once. */
    private final FrameHandler handler = new FrameHandler() {
        @Override
        public void onFrame(Connection c, String frame) {
            switch (frame) {
                case "close" -> c.close();
                case "throw" -> throw new IllegalStateException("handler failure (test)");
                case "flood" -> {
                    byte[] chunk = new byte[HIGH_WATER_MARK / 4];
                    java.util.Arrays.fill(chunk, (byte) 'f');
                    for (int i = 0; i < 16 && c.isOpen(); i++) {
                        c.sendEncoded(chunk);
                    }
                }
                default -> c.send(frame);
            }
        }

        @Override
        public void onClose(Connection c) {
            assertThat(c.isOpen()).isFalse();
            closed.add(c.closeReason());
        }
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private LineClient connect(ServerConfig config) throws Exception {
        if (server == null) {
            server = new TcpServer(config, handler).start();
        }
        LineClient c = new LineClient(server.port());
        c.send("hello");
        assertThat(c.expectFrame()).isEqualTo("hello");
        return c;
    }

    private CloseReason nextClose() throws InterruptedException {
        CloseReason r = closed.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(r).as("a connection closed within the timeout").isNotNull();
        return r;
    }

    @Test
    void thePeerClosing() throws Exception {
        connect(config()).close();
        assertThat(nextClose()).isEqualTo(CloseReason.PEER);
    }

    @Test
    void theServerClosing() throws Exception {
        LineClient c = connect(config());
        c.send("close");
        c.expectEof();
        c.close(); // the server lingers until the peer's FIN
        assertThat(nextClose()).isEqualTo(CloseReason.SERVER);
    }

    @Test
    void aGracefulStop() throws Exception {
        LineClient c = connect(config());
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(5)));
        c.expectEof();
        c.close();
        assertThat(nextClose()).isEqualTo(CloseReason.SERVER);
        stopped.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aHandlerThatThrows() throws Exception {
        try (LineClient c = connect(config())) {
            c.send("throw");
            assertThat(c.readsClosed()).isTrue();
            assertThat(nextClose()).isEqualTo(CloseReason.ERROR);
        }
    }

    @Test
    void aFrameTooLong() throws Exception {
        LineClient c = connect(config().withMaxFrameLength(64));
        c.send("x".repeat(100));
        assertThat(c.readsClosed()).isTrue();
        c.close();
        assertThat(nextClose()).isEqualTo(CloseReason.FRAME_ERROR);
    }

    @Test
    void anIdleConnection() throws Exception {
        LineClient c = connect(config().withIdleTimeout(Duration.ofMillis(200)));
        c.expectEof();
        c.close();
        assertThat(nextClose()).isEqualTo(CloseReason.IDLE);
    }

    @Test
    void outputPastTheHighWaterMark() throws Exception {
        try (LineClient c = connect(config().withMaxFrameLength(1024).withHighWaterMark(HIGH_WATER_MARK))) {
            c.send("flood");
            assertThat(c.readsClosed()).isTrue();
            assertThat(nextClose()).isEqualTo(CloseReason.HIGH_WATER);
        }
    }
}
