package dev.clusterchat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clusterchat.core.net.FrameHandler;
import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.net.TcpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client against a real chatcore server on loopback: a true echo and a corrupting one. */
class EchoLoadClientTest {
    @Test
    void countsEchoesAndNoErrorsAgainstATrueEcho() throws Exception {
        EchoLoadClient.Result r = runAgainst((c, frame) -> c.send(frame), 300);
        assertThat(r.errors()).isZero();
        assertThat(r.messages()).isPositive();
        assertThat(r.latency().count()).isEqualTo(r.messages());
    }

    @Test
    void aChangedByteIsAnErrorAndEndsThatConnection() throws Exception {
        EchoLoadClient.Result r = runAgainst((c, frame) -> c.send(frame.replace('a', 'b')), 300);
        assertThat(r.errors()).isEqualTo(8); // each connection fails once, then is closed
        assertThat(r.messages()).isZero();
    }

    @Test
    void aStaleEchoIsAnError() throws Exception {
        // replies with the first frame forever: sequence numbers in the payload catch it
        EchoLoadClient.Result r = runAgainst(new FrameHandler() {
            @Override
            public void onFrame(dev.clusterchat.core.net.Connection c, String frame) {
                if (c.attachment() == null) {
                    c.attach(frame);
                }
                c.send((String) c.attachment());
            }
        }, 64);
        assertThat(r.errors()).isEqualTo(8);
    }

    private static EchoLoadClient.Result runAgainst(FrameHandler handler, int size) throws Exception {
        TcpServer server = new TcpServer(ServerConfig.defaults(0).withIoThreads(1), handler).start();
        try {
            return new EchoLoadClient(new InetSocketAddress("127.0.0.1", server.port()), 8, size, 2)
                    .run(Duration.ofMillis(100), Duration.ofMillis(500), () -> -1);
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }
}
