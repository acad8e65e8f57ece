package dev.clusterchat.core.net;

import static dev.clusterchat.core.net.NetTestSupport.await;
import static dev.clusterchat.core.net.NetTestSupport.awaitCondition;
import static dev.clusterchat.core.net.NetTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clusterchat.core.net.NetTestSupport.LineClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client that stops reading must not grow the server's memory; the others go on being served. */
class HighWaterMarkTest {
    private static final int HIGH_WATER_MARK = 256 * 1024;
    private static final int CHUNK = 32 * 1024;
    private static final long FLOOD_BYTES = 50L * 1024 * 1024;

    private TcpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aSlowReaderIsDroppedAtTheHighWaterMarkWhileOthersAreServed() throws Exception {
        byte[] chunk = new byte[CHUNK];
        Arrays.fill(chunk, (byte) 'f');
        AtomicLong pendingAtMark = new AtomicLong(-1);
        AtomicLong enqueued = new AtomicLong();
        AtomicBoolean floodEnded = new AtomicBoolean();
        CountDownLatch markHit = new CountDownLatch(1);
        CountDownLatch floodClosed = new CountDownLatch(1);
        CountDownLatch allClosed = new CountDownLatch(2);

        FrameHandler handler = new FrameHandler() {
            @Override
            public void onFrame(Connection c, String frame) {
                if (!frame.equals("flood")) {
                    c.send(frame);
                    return;
                }
                c.attach("flooded");
                // one chunk per loop round, so each round's output is flushed before the next
                Runnable more = new Runnable() {
                    @Override
                    public void run() {
                        if (!c.isOpen() || enqueued.get() >= FLOOD_BYTES) {
                            floodEnded.set(true);
                            return;
                        }
                        c.sendEncoded(chunk);
                        enqueued.addAndGet(CHUNK + 1);
                        c.loop().queue(this);
                    }
                };
                c.loop().queue(more);
            }

            @Override
            public void onHighWaterMark(Connection c, long pendingBytes) {
                pendingAtMark.set(pendingBytes);
                markHit.countDown();
                FrameHandler.super.onHighWaterMark(c, pendingBytes); // the default: force-close
            }

            @Override
            public void onClose(Connection c) {
                if ("flooded".equals(c.attachment())) {
                    floodClosed.countDown();
                }
                allClosed.countDown();
            }
        };
        // one sub-loop: the flood and the well-behaved client share it
        server = new TcpServer(config().withIoThreads(1).withHighWaterMark(HIGH_WATER_MARK), handler).start();

        try (LineClient slow = new LineClient(server.port(), 16 * 1024);
             LineClient normal = new LineClient(server.port())) {
            normal.send("hello");
            assertThat(normal.expectFrame()).isEqualTo("hello");

            slow.send("flood"); // and never read

            // served normally while the flood runs on the same loop
            for (int i = 0; markHit.getCount() > 0 && i < 100_000; i++) {
                normal.send("during " + i);
                assertThat(normal.expectFrame()).isEqualTo("during " + i);
            }
            await(markHit, "onHighWaterMark");
            await(floodClosed, "the slow reader to be dropped");

            assertThat(pendingAtMark.get())
                    .as("called once the mark is passed, with what is pending")
                    .isGreaterThan(HIGH_WATER_MARK)
                    .isLessThanOrEqualTo(HIGH_WATER_MARK + CHUNK + 1);
            awaitCondition(floodEnded::get, "the flood to notice the closed connection");
            assertThat(enqueued.get()).as("the flood stopped early").isLessThan(FLOOD_BYTES);
            assertThat(server.connectionCount()).isEqualTo(1);

            normal.send("after");
            assertThat(normal.expectFrame()).isEqualTo("after");
        }
        await(allClosed, "both connections to close");
        assertThat(server.connectionCount()).isZero();
    }
}
