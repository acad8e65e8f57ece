package dev.clusterchat.core.net;

import static dev.clusterchat.core.net.NetTestSupport.await;
import static dev.clusterchat.core.net.NetTestSupport.awaitCondition;
import static dev.clusterchat.core.net.NetTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clusterchat.core.net.NetTestSupport.EchoHandler;
import dev.clusterchat.core.net.NetTestSupport.LineClient;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the server does about clients that hold connections without using them properly. */
class ConnectionGuardsTest {
    private TcpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aConnectionOverTheLimitIsToldWhyAndClosed() throws Exception {
        EchoHandler handler = new EchoHandler() {
            @Override
            public byte[] rejection() {
                return "FULL".getBytes(StandardCharsets.UTF_8);
            }
        };
        server = new TcpServer(config().withMaxConnections(1), handler).start();
        try (LineClient first = new LineClient(server.port())) {
            first.send("in");
            assertThat(first.expectFrame()).isEqualTo("in");
            try (LineClient second = new LineClient(server.port())) {
                second.send("let me in"); // sent before it reads: the refusal must survive it
                assertThat(second.expectFrame()).isEqualTo("FULL");
                second.expectEof();
            }
            assertThat(server.rejectedCount()).isEqualTo(1);
            assertThat(server.connectionCount()).isEqualTo(1);
            first.send("still served");
            assertThat(first.expectFrame()).isEqualTo("still served");
        }
        awaitCondition(() -> server.connectionCount() == 0, "the first connection to close");
        try (LineClient again = new LineClient(server.port())) {
            again.send("room again");
            assertThat(again.expectFrame()).isEqualTo("room again");
        }
    }

    @Test
    void aFrameThatIsNeverCompletedClosesTheConnectionAfterTheFrameTimeout() throws Exception {
        EchoHandler handler = new EchoHandler();
        server = new TcpServer(config().withFrameTimeout(Duration.ofMillis(300)), handler).start();
        try (LineClient slow = new LineClient(server.port())) {
            long start = System.nanoTime();
            // a byte every 50 ms for up to 2 s: always more coming, never a whole frame; the clock
            // runs from the frame's first byte, so the trickle does not keep it alive
            for (int i = 0; i < 40 && handler.errors.isEmpty(); i++) {
                slow.write(new byte[] {'x'});
                Thread.sleep(50);
            }
            assertThat(slow.expectFrame()).isEqualTo("ERR INCOMPLETE");
            assertThat(slow.readsClosed()).isTrue();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(tookMs).as("closed once the frame is 300 ms old, not reset by each byte").isBetween(250L, 1_500L);
        } catch (SocketException closedWhileTrickling) {
            // the server closed while a byte was on its way: the assertions below still hold
        }
        assertThat(handler.errors).containsExactly(FrameError.INCOMPLETE);
        assertThat(handler.frames).isEmpty();
    }

    @Test
    void aClientThatKeepsCompletingFramesIsNotTimedOut() throws Exception {
        EchoHandler handler = new EchoHandler();
        server = new TcpServer(config().withFrameTimeout(Duration.ofMillis(300)), handler).start();
        try (LineClient steady = new LineClient(server.port())) {
            // each write ends one frame and begins the next: no frame is ever older than 100 ms
            steady.write("a".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 10; i++) {
                Thread.sleep(100);
                steady.write(("\nb" + i).getBytes(StandardCharsets.UTF_8));
                assertThat(steady.expectFrame()).isEqualTo(i == 0 ? "a" : "b" + (i - 1));
            }
            steady.write("\n".getBytes(StandardCharsets.UTF_8));
            assertThat(steady.expectFrame()).isEqualTo("b9");
        }
        assertThat(handler.errors).isEmpty();
    }

    @Test
    void acceptedSocketsKeepAliveSoThatVanishedPeersAreDropped() throws Exception {
        EchoHandler handler = new EchoHandler();
        server = new TcpServer(config().withKeepAlive(Duration.ofSeconds(42)), handler).start();
        try (LineClient c = new LineClient(server.port())) {
            c.send("hi");
            c.expectFrame();
            // the kernel's view of the server side of this connection: a keepalive timer of 42 s
            Process ss = new ProcessBuilder("ss", "-tnoH", "state", "established", "( sport = :" + server.port() + " )")
                    .redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ss.waitFor()).as(out).isZero();
            assertThat(out).contains("timer:(keepalive,");
            assertThat(out).containsPattern("keepalive,(4[0-2]|3\\d)sec");
        }
    }

    /**
     * A peer that stops reading is dropped; the frames it did not receive whole come back, so the
     * received and the given back make up everything sent, each once.
     */
    @Test
    void unsentFramesAreGivenBackWholeWhenASlowReaderIsDropped() throws Exception {
        int count = 100_000;
        List<byte[]> givenBack = new CopyOnWriteArrayList<>();
        CountDownLatch dropped = new CountDownLatch(1);
        FrameHandler handler = new FrameHandler() {
            @Override
            public void onFrame(Connection c, String frame) {
                // 50 frames of varied lengths a loop round, each round flushed: writes stop at every
                // kind of place inside a frame
                Runnable batch = new Runnable() {
                    int next;

                    @Override
                    public void run() {
                        for (int end = next + 50; next < end && next < count && c.isOpen(); next++) {
                            c.send(next + ":" + "p".repeat(next % 97));
                        }
                        if (next < count && c.isOpen()) {
                            c.loop().queue(this);
                        }
                    }
                };
                c.loop().queue(batch);
            }

            @Override
            public void onUnsent(Connection c, List<byte[]> frames) {
                givenBack.addAll(frames); // after the default onHighWaterMark dropped it
                dropped.countDown();
            }
        };
        server = new TcpServer(config().withHighWaterMark(128 * 1024), handler).start();
        List<String> received = new ArrayList<>();
        try (LineClient slow = new LineClient(server.port(), 8 * 1024)) {
            slow.send("go");
            await(dropped, "the slow reader to be dropped");
            try {
                String f;
                while ((f = slow.readFrame()) != null) {
                    received.add(f);
                }
            } catch (EOFException | SocketException cutInsideAFrame) {
                // the frame being written when it was dropped: given back whole
            }
        }
        Set<String> all = new HashSet<>(received);
        for (byte[] f : givenBack) {
            assertThat(all.add(new String(f, StandardCharsets.UTF_8))).as("given back and also received").isTrue();
        }
        assertThat(givenBack).as("the drop happened with frames pending").isNotEmpty();
        int sent = received.size() + givenBack.size();
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            if (!all.contains(i + ":" + "p".repeat(i % 97))) {
                missing.add(i);
            }
        }
        assertThat(missing).as("neither received whole nor given back").isEmpty();
        assertThat(all).hasSize(sent);
    }
}
