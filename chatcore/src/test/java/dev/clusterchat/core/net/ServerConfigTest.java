package dev.clusterchat.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    private final ServerConfig d = ServerConfig.defaults(0);

    @Test
    void defaultsAreLoopbackWithNoLimits() {
        assertThat(d.host()).isEqualTo("127.0.0.1");
        assertThat(d.port()).isZero();
        assertThat(d.ioThreads()).isGreaterThanOrEqualTo(1);
        assertThat(d.maxFrameLength()).isEqualTo(ServerConfig.DEFAULT_MAX_FRAME_LENGTH);
        assertThat(d.highWaterMark()).isEqualTo(ServerConfig.DEFAULT_HIGH_WATER_MARK);
        assertThat(d.idleTimeout()).isZero();
        assertThat(d.maxConnections()).isZero();
    }

    @Test
    void withersChangeOneField() {
        ServerConfig c = d.withPort(7000).withIoThreads(3).withIdleTimeout(Duration.ofSeconds(2))
                .withCloseTimeout(Duration.ofSeconds(1)).withMaxConnections(9).withHost("0.0.0.0")
                .withFrameTimeout(Duration.ofSeconds(3)).withKeepAlive(Duration.ZERO);
        assertThat(c).isEqualTo(new ServerConfig("0.0.0.0", 7000, 3, d.maxFrameLength(), d.highWaterMark(),
                Duration.ofSeconds(2), Duration.ofSeconds(1), 9, d.backlog(), Duration.ofSeconds(3), Duration.ZERO));
    }

    @Test
    void aLargerMaxFrameLengthRaisesTheHighWaterMark() {
        ServerConfig c = d.withMaxFrameLength(8 * 1024 * 1024);
        assertThat(c.highWaterMark()).isEqualTo(8 * 1024 * 1024);
    }

    @Test
    void everyInvalidValueIsRejectedNamingItsParameter() {
        expect(() -> d.withPort(70000), "port");
        expect(() -> d.withPort(-1), "port");
        expect(() -> d.withIoThreads(0), "ioThreads");
        expect(() -> d.withMaxFrameLength(15), "maxFrameLength");
        expect(() -> d.withHighWaterMark(d.maxFrameLength() - 1), "highWaterMark");
        expect(() -> d.withIdleTimeout(Duration.ofMillis(-1)), "idleTimeout");
        expect(() -> d.withCloseTimeout(Duration.ZERO), "closeTimeout");
        expect(() -> d.withMaxConnections(-1), "maxConnections");
        expect(() -> new ServerConfig("127.0.0.1", 0, 1, 1024, 1024, Duration.ZERO, Duration.ofSeconds(1), 0, 0,
                Duration.ZERO, Duration.ZERO), "backlog");
        expect(() -> d.withFrameTimeout(Duration.ofMillis(-1)), "frameTimeout");
        expect(() -> d.withKeepAlive(Duration.ofMillis(500)), "keepAlive");
        assertThatThrownBy(() -> d.withHost(null)).isInstanceOf(NullPointerException.class).hasMessage("host");
    }

    private static void expect(Supplier<ServerConfig> build, String parameter) {
        assertThatThrownBy(build::get).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(parameter);
    }
}
