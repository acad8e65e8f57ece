package dev.clusterchat.core.net;

import static dev.clusterchat.core.net.NetTestSupport.TIMEOUT_SECONDS;
import static dev.clusterchat.core.net.NetTestSupport.awaitCondition;
import static dev.clusterchat.core.net.NetTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clusterchat.core.net.NetTestSupport.LineClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection counts its output: bytes queued (where the frame just sent ends) and bytes the
 * socket took; the difference is what is pending, and only what the socket took is final at close.
 */
class OutputBytesTest {
    private static final int CHUNK = 32 * 1024;
    /** 8 MiB: more than a peer that does not read lets the kernel take (about 3 MiB on Linux's defaults). */
    private static final int CHUNKS = 256;

    private TcpServer server;
    /** The connection of the first frame. */
    private final CompletableFuture<Connection> seen = new CompletableFuture<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private void start() {
        byte[] chunk = new byte[CHUNK];
        Arrays.fill(chunk, (byte) 'f');
        server = new TcpServer(config().withHighWaterMark(16 * 1024 * 1024), (c, frame) -> {
            seen.complete(c);
            if (!frame.equals("flood")) {
                c.send(frame);
                return;
            }
            for (int i = 0; i < CHUNKS; i++) {
                c.sendEncoded(chunk);
            }
        }).start();
    }

    /** The connection's three counts, read on its loop: queued, written, pending. */
    private static long[] counts(Connection c) throws Exception {
        CompletableFuture<long[]> f = new CompletableFuture<>();
        c.loop().execute(() -> f.complete(new long[] {c.queuedOutputBytes(), c.writtenOutputBytes(), c.pendingOutputBytes()}));
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void whatAPeerReadWasWrittenAndWhatItDoesNotReadStaysPending() throws Exception {
        start();
        try (LineClient client = new LineClient(server.port(), 4096)) {
            client.send("hello");
            assertThat(client.readFrame()).isEqualTo("hello");
            Connection c = seen.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(counts(c)).as("the frame and its terminator").containsExactly(6, 6, 0);

            client.send("flood"); // and read nothing for now
            long queued = 6 + CHUNKS * (CHUNK + 1L);
            awaitCondition(() -> c.writtenOutputBytes() > 6, "the socket to take some of it");
            long[] stalled = counts(c);
            assertThat(stalled[0]).isEqualTo(queued);
            assertThat(stalled[1]).as("the socket took part of it").isLessThan(queued);
            assertThat(stalled[2]).as("the rest is pending").isEqualTo(queued - stalled[1]);

            for (int i = 0; i < CHUNKS; i++) {
                assertThat(client.readFrame()).hasSize(CHUNK);
            }
            awaitCondition(() -> c.writtenOutputBytes() == queued, "everything to be written once read");
            assertThat(c.isClosed()).isFalse();
        }
    }

    @Test
    void whatWasPendingAtACloseWasNeverWritten() throws Exception {
        start();
        try (LineClient client = new LineClient(server.port(), 4096)) {
            client.send("flood");
            Connection c = seen.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            awaitCondition(() -> c.writtenOutputBytes() > 0, "the socket to take some of it");
            c.forceClose();
            awaitCondition(c::isClosed, "the close");
            long written = c.writtenOutputBytes();
            assertThat(written).isLessThan(CHUNKS * (CHUNK + 1L));
            long received = 0;
            try {
                while (client.readFrame() != null) {
                    received += CHUNK + 1;
                }
            } catch (java.io.EOFException partlyWritten) {
                // the frame the close cut
            }
            assertThat(received).as("whole frames, all written").isLessThanOrEqualTo(written).isGreaterThan(written - CHUNK - 1);
        }
    }
}
