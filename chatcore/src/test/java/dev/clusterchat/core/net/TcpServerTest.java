package dev.clusterchat.core.net;

import static dev.clusterchat.core.net.NetTestSupport.TIMEOUT_SECONDS;
import static dev.clusterchat.core.net.NetTestSupport.await;
import static dev.clusterchat.core.net.NetTestSupport.awaitCondition;
import static dev.clusterchat.core.net.NetTestSupport.config;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clusterchat.core.net.NetTestSupport.EchoHandler;
import dev.clusterchat.core.net.NetTestSupport.LineClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server over real loopback sockets, with plain blocking clients. */
class TcpServerTest {
    private final List<TcpServer> servers = new ArrayList<>();
    private final List<LineClient> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        for (LineClient c : clients) {
            c.close();
        }
        for (TcpServer s : servers) {
            s.stop(Duration.ofSeconds(5));
        }
    }

    private TcpServer start(ServerConfig config, FrameHandler handler) {
        TcpServer s = new TcpServer(config, handler);
        servers.add(s);
        return s.start();
    }

    private LineClient connect(TcpServer s) throws IOException {
        LineClient c = new LineClient(s.port());
        clients.add(c);
        return c;
    }

    @Test
    void echoesFramesFor300ConcurrentClients() throws Exception {
        CountDownLatch allClosed = new CountDownLatch(300);
        EchoHandler echo = new EchoHandler() {
            @Override
            public void onClose(Connection c) {
                allClosed.countDown();
            }
        };
        TcpServer server = start(config(), echo);
        int clientCount = 300;
        int framesEach = 50;
        ExecutorService pool = Executors.newFixedThreadPool(clientCount);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int i = 0; i < clientCount; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    go.await(TIMEOUT_SECONDS, SECONDS);
                    try (LineClient c = new LineClient(server.port())) {
                        for (int k = 0; k < framesEach; k++) {
                            c.send("client " + id + " frame " + k + " ✓");
                        }
                        List<String> got = new ArrayList<>();
                        for (int k = 0; k < framesEach; k++) {
                            got.add(c.expectFrame());
                        }
                        return got;
                    }
                }));
            }
            go.countDown();
            for (int i = 0; i < clientCount; i++) {
                List<String> expected = new ArrayList<>();
                for (int k = 0; k < framesEach; k++) {
                    expected.add("client " + i + " frame " + k + " ✓");
                }
                assertThat(results.get(i).get(30, SECONDS)).as("client %d", i).containsExactlyElementsOf(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        await(allClosed, "300 closes");
        assertThat(echo.frames).hasSize(clientCount * framesEach);
        assertThat(server.acceptedCount()).isEqualTo(clientCount);
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void hundredsOfFramesGluedInOneWrite() throws Exception {
        TcpServer server = start(config(), new EchoHandler());
        LineClient c = connect(server);
        StringBuilder glued = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            glued.append("glued-").append(i).append(i % 2 == 0 ? "\n" : "\r\n");
        }
        c.write(glued.toString().getBytes(UTF_8));
        for (int i = 0; i < 500; i++) {
            assertThat(c.expectFrame()).isEqualTo("glued-" + i);
        }
    }

    @Test
    void oneFrameSplitIntoManyWrites() throws Exception {
        EchoHandler handler = new EchoHandler();
        TcpServer server = start(config(), handler);
        LineClient c = connect(server);
        String frame = "split into one write per byte: 😀 € é " + "z".repeat(200);
        for (byte b : (frame + "\n").getBytes(UTF_8)) {
            c.write(new byte[] {b});
        }
        assertThat(c.expectFrame()).isEqualTo(frame);
        c.send("next");
        assertThat(c.expectFrame()).isEqualTo("next");
        assertThat(handler.frames).containsExactly(frame, "next");
    }

    @Test
    void nulTerminatedFramesGetNulTerminatedReplies() throws Exception {
        List<Boolean> legacySeen = new CopyOnWriteArrayList<>();
        TcpServer server = start(config(), new EchoHandler() {
            @Override
            public void onFrame(Connection c, String frame) {
                legacySeen.add(c.isLegacy());
                c.send(frame);
            }
        });
        LineClient legacy = connect(server);
        legacy.write("old client\0second\0".getBytes(UTF_8));
        assertThat(legacy.expectFrame()).isEqualTo("old client");
        assertThat(legacy.lastTerminator).isZero();
        assertThat(legacy.expectFrame()).isEqualTo("second");
        assertThat(legacy.lastTerminator).isZero();

        LineClient modern = connect(server);
        modern.send("new client");
        assertThat(modern.expectFrame()).isEqualTo("new client");
        assertThat(modern.lastTerminator).isEqualTo('\n');
        assertThat(legacySeen).containsExactly(true, true, false);
    }

    @Test
    void anOversizeFrameGetsTheErrorReplyThenTheServerCloses() throws Exception {
        EchoHandler handler = new EchoHandler();
        TcpServer server = start(config().withMaxFrameLength(1024), handler);
        LineClient c = connect(server);
        c.send("before");
        assertThat(c.expectFrame()).isEqualTo("before");

        c.write(("x".repeat(2000) + "\nafter\n").getBytes(UTF_8));

        assertThat(c.expectFrame()).isEqualTo("ERR TOO_LONG");
        c.expectEof();
        assertThat(handler.frames).containsExactly("before");
        assertThat(handler.errors).containsExactly(FrameError.TOO_LONG);
        c.close();
        awaitCondition(() -> server.connectionCount() == 0, "the server to drop the connection");
    }

    @Test
    void anOversizeFrameThatNeverEndsGetsTheErrorReplyThenTheServerCloses() throws Exception {
        EchoHandler handler = new EchoHandler();
        TcpServer server = start(config().withMaxFrameLength(1024), handler);
        LineClient c = connect(server);
        // far more than one read of the server: most of it is still unread when the server gives up
        byte[] endless = new byte[200 * 1024];
        Arrays.fill(endless, (byte) 'y');
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                c.write(endless);
                c.write("after\n".getBytes(UTF_8));
            } catch (IOException expected) {
                // the server may close before everything is written
            }
        });

        assertThat(c.expectFrame()).isEqualTo("ERR TOO_LONG");
        c.expectEof();
        writer.get(TIMEOUT_SECONDS, SECONDS);
        assertThat(handler.frames).isEmpty();
        assertThat(handler.errors).containsExactly(FrameError.TOO_LONG);
    }

    @Test
    void invalidUtf8GetsTheErrorReplyAndTheConnectionGoesOn() throws Exception {
        TcpServer server = start(config(), new EchoHandler());
        LineClient c = connect(server);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAF, '\n'});
        bytes.writeBytes("still fine\n".getBytes(UTF_8));
        c.write(bytes.toByteArray());
        assertThat(c.expectFrame()).isEqualTo("ERR INVALID_UTF8");
        assertThat(c.expectFrame()).isEqualTo("still fine");
    }

    @Test
    void aThrowingHandlerClosesOnlyItsConnection() throws Exception {
        CountDownLatch failedClosed = new CountDownLatch(1);
        TcpServer server = start(config().withIoThreads(1), new EchoHandler() {
            @Override
            public void onFrame(Connection c, String frame) {
                if (frame.equals("boom")) {
                    throw new IllegalStateException("handler boom (expected by the test)");
                }
                c.send(frame);
            }

            @Override
            public void onClose(Connection c) {
                failedClosed.countDown();
            }
        });
        LineClient good = connect(server);
        LineClient bad = connect(server);
        good.send("hello");
        assertThat(good.expectFrame()).isEqualTo("hello");

        bad.write("boom\nnot echoed\n".getBytes(UTF_8));
        assertThat(bad.readsClosed()).isTrue();
        await(failedClosed, "the failed connection to close");

        good.send("still served");
        assertThat(good.expectFrame()).isEqualTo("still served");
        LineClient fresh = connect(server);
        fresh.send("new one");
        assertThat(fresh.expectFrame()).isEqualTo("new one");
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void halfCloseStillGetsEveryReplyThenEof() throws Exception {
        TcpServer server = start(config(), new EchoHandler());
        LineClient c = connect(server);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            all.append("half-").append(i).append('\n');
        }
        c.write(all.toString().getBytes(UTF_8));
        c.shutdownOutput();
        for (int i = 0; i < 100; i++) {
            assertThat(c.expectFrame()).isEqualTo("half-" + i);
        }
        c.expectEof();
    }

    @Test
    void serverSideShutdownOutputSendsEofAndKeepsReading() throws Exception {
        List<String> afterBye = new CopyOnWriteArrayList<>();
        CountDownLatch heard = new CountDownLatch(1);
        TcpServer server = start(config(), new FrameHandler() {
            @Override
            public void onFrame(Connection c, String frame) {
                if (frame.equals("bye")) {
                    c.send("bye");
                    c.shutdownOutput();
                } else {
                    afterBye.add(frame);
                    heard.countDown();
                }
            }
        });
        LineClient c = connect(server);
        c.send("bye");
        assertThat(c.expectFrame()).isEqualTo("bye");
        c.expectEof();
        c.send("still reading?");
        await(heard, "the frame sent after the server's half-close");
        assertThat(afterBye).containsExactly("still reading?");
    }

    @Test
    void closeDeliversEveryReplyEvenIfThePeerKeepsSending() throws Exception {
        String big = "r".repeat(32 * 1024);
        EchoHandler handler = new EchoHandler() {
            @Override
            public void onFrame(Connection c, String frame) {
                frames.add(frame);
                if (frame.equals("bye")) { // 2 MiB of replies, then an orderly close
                    for (int i = 0; i < 64; i++) {
                        c.send(i + ":" + big);
                    }
                    c.close();
                }
            }
        };
        TcpServer server = start(config(), handler);
        LineClient c = new LineClient(server.port(), 16 * 1024);
        clients.add(c);
        c.send("bye");
        awaitCondition(() -> handler.frames.contains("bye"), "the server to close");
        for (int i = 0; i < 20; i++) {
            c.send("chatter " + i); // read and dropped by the closing server, never a frame
        }
        for (int i = 0; i < 64; i++) {
            assertThat(c.expectFrame()).isEqualTo(i + ":" + big);
        }
        c.expectEof();
        c.close();
        await(handler.closedLatch, "the server side to close");
        assertThat(handler.frames).containsExactly("bye");
    }

    @Test
    void aClosingConnectionWhosePeerNeverClosesIsDroppedAfterTheCloseTimeout() throws Exception {
        EchoHandler handler = new EchoHandler() {
            @Override
            public void onFrame(Connection c, String frame) {
                c.send("bye");
                c.close();
            }
        };
        TcpServer server = start(config().withCloseTimeout(Duration.ofMillis(200)), handler);
        LineClient c = connect(server);
        c.send("quit");
        assertThat(c.expectFrame()).isEqualTo("bye");
        c.expectEof();
        // the client keeps its side open: the server gives up after the close timeout
        await(handler.closedLatch, "the close timeout");
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void sendFromAForeignThreadReachesTheClient() throws Exception {
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        TcpServer server = start(config(), new EchoHandler() {
            @Override
            public void onOpen(Connection c) {
                opened.complete(c);
            }
        });
        LineClient c = connect(server);
        Connection conn = opened.get(TIMEOUT_SECONDS, SECONDS);
        assertThat(conn.loop().inLoop()).isFalse();
        for (int i = 0; i < 100; i++) {
            conn.send("pushed " + i);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(c.expectFrame()).isEqualTo("pushed " + i);
        }
        assertThat(conn.isOpen()).isTrue();
        assertThat(conn.remoteAddress().getPort()).isEqualTo(c.socket.getLocalPort());
    }

    @Test
    void anIdleConnectionIsClosedWhileAnActiveOneStays() throws Exception {
        Duration idle = Duration.ofMillis(300);
        TcpServer server = start(config().withIdleTimeout(idle), new EchoHandler());
        long start = System.nanoTime();
        LineClient quiet = connect(server);
        LineClient active = connect(server);
        active.send("warm-up");
        assertThat(active.expectFrame()).isEqualTo("warm-up");

        // the active client keeps talking until the quiet one has been closed
        CompletableFuture<Long> quietClosedAt = CompletableFuture.supplyAsync(() -> {
            try {
                quiet.expectEof();
                long at = System.nanoTime();
                quiet.close();
                return at;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        int pings = 0;
        while (!quietClosedAt.isDone()) {
            active.send("ping " + pings);
            assertThat(active.expectFrame()).isEqualTo("ping " + pings);
            pings++;
            assertThat(System.nanoTime() - start).as("quiet connection still open").isLessThan(SECONDS.toNanos(TIMEOUT_SECONDS));
        }
        long closedAt = quietClosedAt.get(TIMEOUT_SECONDS, SECONDS);
        assertThat(closedAt - start).isGreaterThanOrEqualTo(idle.toNanos());

        active.send("still here");
        assertThat(active.expectFrame()).isEqualTo("still here");
        awaitCondition(() -> server.connectionCount() == 1, "the idle connection to be gone");
    }

    @Test
    void connectionsBeyondTheMaximumAreRejected() throws Exception {
        CountDownLatch oneClosed = new CountDownLatch(1);
        TcpServer server = start(config().withMaxConnections(2), new EchoHandler() {
            @Override
            public void onClose(Connection c) {
                oneClosed.countDown();
            }
        });
        LineClient a = connect(server);
        LineClient b = connect(server);
        a.send("a");
        b.send("b");
        assertThat(a.expectFrame()).isEqualTo("a");
        assertThat(b.expectFrame()).isEqualTo("b");

        LineClient extra = connect(server);
        extra.expectEof();
        assertThat(server.rejectedCount()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(2);

        a.close();
        await(oneClosed, "a slot to free up");
        LineClient next = connect(server);
        next.send("admitted");
        assertThat(next.expectFrame()).isEqualTo("admitted");
        assertThat(server.rejectedCount()).isEqualTo(1);
    }

    @Test
    void portIsReadableAfterStartAndStartTwiceThrows() {
        TcpServer server = new TcpServer(config(), new EchoHandler());
        servers.add(server);
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
        server.start();
        assertThat(server.port()).isBetween(1, 65535);
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        server.stop(Duration.ofSeconds(5));
        server.stop(Duration.ofSeconds(5)); // idempotent
    }

    @Test
    void bindingATakenPortThrowsWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            TcpServer server = new TcpServer(config().withPort(port), new EchoHandler());
            servers.add(server);
            assertThatThrownBy(server::start)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + port);
            assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void onOpenAndOnCloseAreCalledOnTheConnectionsLoop() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicBoolean offLoop = new AtomicBoolean();
        CountDownLatch closed = new CountDownLatch(1);
        TcpServer server = start(config(), new FrameHandler() {
            @Override
            public void onOpen(Connection c) {
                offLoop.compareAndSet(false, !c.loop().inLoop());
                c.attach("session");
                events.add("open");
            }

            @Override
            public void onFrame(Connection c, String frame) {
                offLoop.compareAndSet(false, !c.loop().inLoop());
                events.add("frame " + frame + " " + c.attachment());
                c.send(frame);
            }

            @Override
            public void onClose(Connection c) {
                offLoop.compareAndSet(false, !c.loop().inLoop());
                events.add("close " + c.isOpen());
                closed.countDown();
            }
        });
        LineClient c = connect(server);
        c.send("x");
        assertThat(c.expectFrame()).isEqualTo("x");
        c.close();
        await(closed, "onClose");
        assertThat(events).containsExactly("open", "frame x session", "close false");
        assertThat(offLoop.get()).isFalse();
        assertThat(server.connectionCount()).isZero();
    }
}
