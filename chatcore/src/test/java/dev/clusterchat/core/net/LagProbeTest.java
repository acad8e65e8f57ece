package dev.clusterchat.core.net;

import static dev.clusterchat.core.net.NetTestSupport.awaitCondition;
import static dev.clusterchat.core.net.NetTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A loop kept busy shows as lag; a server probes every loop it runs. */
class LagProbeTest {
    @Test
    void aBusyLoopShowsAsLagThatTheMaximumRemembers() throws Exception {
        EventLoop loop = new EventLoop("lag-test").start();
        try {
            LagProbe probe = new LagProbe(loop, 50, TimeUnit.MILLISECONDS).start();
            long busy = TimeUnit.MILLISECONDS.toNanos(400);
            loop.execute(() -> {
                long end = System.nanoTime() + busy; // a task that hogs the loop: the load under test
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            });
            awaitCondition(() -> probe.maxLagNanos() >= busy / 2, "the probe to see the busy loop");
            awaitCondition(() -> probe.lagNanos() < busy / 4, "the lag to fall once the loop is free");
            assertThat(probe.maxLagNanos()).as("the maximum outlives the spike").isGreaterThanOrEqualTo(busy / 2);
        } finally {
            loop.shutdown();
            assertThat(loop.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aServerReportsTheAcceptorAndEverySubLoop() {
        TcpServer server = new TcpServer(config().withIoThreads(2), (c, frame) -> c.send(frame)).start();
        try {
            assertThat(server.loopLag()).extracting(LoopLag::loop)
                    .containsExactly("chat-acceptor", "chat-io-0", "chat-io-1");
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
