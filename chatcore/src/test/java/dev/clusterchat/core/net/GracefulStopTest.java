package dev.clusterchat.core.net;

import static dev.clusterchat.core.net.NetTestSupport.TIMEOUT_SECONDS;
import static dev.clusterchat.core.net.NetTestSupport.await;
import static dev.clusterchat.core.net.NetTestSupport.awaitCondition;
import static dev.clusterchat.core.net.NetTestSupport.config;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clusterchat.core.net.NetTestSupport.LineClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** stop(): every reply already sent arrives, then EOF; the port and every loop thread are released. */
class GracefulStopTest {
    private static final int CLIENTS = 50;
    private static final int HEAVY = 10;
    private static final int BIG_FRAMES = 64;
    private static final String BIG = "b".repeat(32 * 1024);

    @Test
    void stopFlushesWhatWasSentClosesEveryoneAndReleasesEverything() throws Exception {
        CountDownLatch repliesQueued = new CountDownLatch(CLIENTS);
        TcpServer server = new TcpServer(config(), new FrameHandler() {
            @Override
            public void onFrame(Connection c, String frame) {
                if (frame.equals("big")) { // 2 MiB: most of it still pending when stop() begins
                    for (int i = 0; i < BIG_FRAMES; i++) {
                        c.send(i + ":" + BIG);
                    }
                    repliesQueued.countDown();
                } else if (frame.startsWith("last")) {
                    c.send(frame);
                    repliesQueued.countDown();
                } else {
                    c.send(frame);
                }
            }
        }).start();
        int port = server.port();
        List<LineClient> clients = new ArrayList<>();
        ExecutorService readers = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int i = 0; i < CLIENTS; i++) {
                LineClient c = new LineClient(port);
                clients.add(c);
                c.send("hello " + i);
                assertThat(c.expectFrame()).isEqualTo("hello " + i);
            }
            assertThat(server.connectionCount()).isEqualTo(CLIENTS);

            // replies the server has sent (handed to the connection) but the clients have not read
            for (int i = 0; i < CLIENTS; i++) {
                clients.get(i).send(i < HEAVY ? "big" : "last " + i);
            }
            await(repliesQueued, "every reply to be sent");

            long start = System.nanoTime();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(5)));

            List<Future<?>> reads = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                LineClient c = clients.get(i);
                int id = i;
                reads.add(readers.submit(() -> {
                    if (id < HEAVY) {
                        for (int k = 0; k < BIG_FRAMES; k++) {
                            assertThat(c.expectFrame()).isEqualTo(k + ":" + BIG);
                        }
                    } else {
                        assertThat(c.expectFrame()).isEqualTo("last " + id);
                    }
                    c.expectEof();
                    c.close(); // what a client does on EOF; the server then closes cleanly
                    return null;
                }));
            }
            for (Future<?> r : reads) {
                r.get(TIMEOUT_SECONDS, SECONDS);
            }
            stopped.get(TIMEOUT_SECONDS, SECONDS);
            long tookNanos = System.nanoTime() - start;
            assertThat(tookNanos).as("stop returns within its timeout").isLessThan(SECONDS.toNanos(5));
        } finally {
            readers.shutdownNow();
            for (LineClient c : clients) {
                c.close();
            }
            server.stop(Duration.ofSeconds(5));
        }

        assertThat(server.connectionCount()).isZero();
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
        // a loop signals its end just before its thread exits: give the threads a moment to go
        NetTestSupport.awaitCondition(() -> NetTestSupport.liveThreads("chat-io-", "chat-acceptor").isEmpty(),
                "no loop thread alive: " + NetTestSupport.liveThreads("chat-io-", "chat-acceptor"));
    }

    @Test
    void clientsThatKeepSendingWhileTheServerStopsStillGetEveryReply() throws Exception {
        int clients = 5;
        List<Connection> connections = new CopyOnWriteArrayList<>();
        CountDownLatch repliesQueued = new CountDownLatch(clients);
        TcpServer server = new TcpServer(config(), new FrameHandler() {
            @Override
            public void onOpen(Connection c) {
                connections.add(c);
            }

            @Override
            public void onFrame(Connection c, String frame) {
                if (frame.equals("big")) {
                    for (int i = 0; i < BIG_FRAMES; i++) {
                        c.send(i + ":" + BIG);
                    }
                    repliesQueued.countDown();
                }
            }
        }).start();
        List<LineClient> cs = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                // a small receive window keeps most of the 2 MiB reply in the server's socket
                LineClient c = new LineClient(server.port(), 16 * 1024);
                cs.add(c);
                c.send("big");
            }
            await(repliesQueued, "every reply to be sent");
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(5)));
            awaitCondition(() -> connections.stream().noneMatch(Connection::isOpen), "every connection to be closing");

            // input the server will never read as a frame: closing must not turn it into a reset
            for (LineClient c : cs) {
                c.send("late heartbeat");
            }
            for (LineClient c : cs) {
                for (int k = 0; k < BIG_FRAMES; k++) {
                    assertThat(c.expectFrame()).isEqualTo(k + ":" + BIG);
                }
                c.expectEof();
                c.close();
            }
            stopped.get(TIMEOUT_SECONDS, SECONDS);
        } finally {
            for (LineClient c : cs) {
                c.close();
            }
            server.stop(Duration.ofSeconds(5));
        }
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void stopWithoutConnectionsIsQuickAndNewConnectionsAreRefused() throws Exception {
        TcpServer server = new TcpServer(config(), new NetTestSupport.EchoHandler()).start();
        int port = server.port();
        server.stop(Duration.ofSeconds(5));
        IOException refused = null;
        try (LineClient c = new LineClient(port)) {
            c.expectEof();
        } catch (IOException e) {
            refused = e;
        }
        assertThat(refused).as("nothing listens on the port any more").isNotNull();
        // a loop signals its end just before its thread exits: give the threads a moment to go
        NetTestSupport.awaitCondition(() -> NetTestSupport.liveThreads("chat-io-", "chat-acceptor").isEmpty(),
                "no loop thread alive: " + NetTestSupport.liveThreads("chat-io-", "chat-acceptor"));
    }
}
