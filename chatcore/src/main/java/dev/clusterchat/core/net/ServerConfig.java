package dev.clusterchat.core.net;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TcpServer} listens and how it treats each connection. Validated eagerly: every
 * message names the parameter.
 *
 * @param host           address to bind ("0.0.0.0" for all, "127.0.0.1" for loopback only)
 * @param port           port to bind; 0 picks a free one (read it back with {@link TcpServer#port()})
 * @param ioThreads      sub-loops that own the connections; the acceptor has its own loop
 * @param maxFrameLength longest frame in bytes, terminator excluded; a longer one closes the connection
 * @param highWaterMark  output bytes pending for one connection before {@link FrameHandler#onHighWaterMark}
 * @param idleTimeout    no input for this long calls {@link FrameHandler#onIdle}; zero turns it off
 * @param closeTimeout   how long a closing connection may take to flush and see the peer close before it is dropped
 * @param maxConnections connections beyond this get {@link FrameHandler#rejection()} and are closed; 0 means no limit
 * @param backlog        listen backlog
 * @param frameTimeout   a frame begun but not completed for this long is {@link FrameError#INCOMPLETE} and
 *                       closes the connection (slowloris); zero turns it off
 * @param keepAlive      TCP keepalive idle time: a peer that vanished without a FIN (half-open) is dropped
 *                       after this plus three unanswered probes 10 s apart; zero turns keepalive off
 */
public record ServerConfig(String host, int port, int ioThreads, int maxFrameLength, int highWaterMark,
                           Duration idleTimeout, Duration closeTimeout, int maxConnections, int backlog,
                           Duration frameTimeout, Duration keepAlive) {

    public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024;
    public static final int DEFAULT_HIGH_WATER_MARK = 4 * 1024 * 1024;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads cannot be less than 1: " + ioThreads);
        }
        if (maxFrameLength < 16) {
            throw new IllegalArgumentException("maxFrameLength cannot be less than 16: " + maxFrameLength);
        }
        if (highWaterMark < maxFrameLength) {
            throw new IllegalArgumentException("highWaterMark (" + highWaterMark
                    + ") cannot be less than maxFrameLength (" + maxFrameLength + ")");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout cannot be negative: " + idleTimeout);
        }
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (closeTimeout.isNegative() || closeTimeout.isZero()) {
            throw new IllegalArgumentException("closeTimeout must be positive: " + closeTimeout);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections cannot be negative: " + maxConnections);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog cannot be less than 1: " + backlog);
        }
        Objects.requireNonNull(frameTimeout, "frameTimeout");
        if (frameTimeout.isNegative()) {
            throw new IllegalArgumentException("frameTimeout cannot be negative: " + frameTimeout);
        }
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (keepAlive.isNegative() || (!keepAlive.isZero() && keepAlive.toSeconds() < 1)) {
            throw new IllegalArgumentException("keepAlive must be zero or at least one second: " + keepAlive);
        }
    }

    public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);

    /**
     * Loopback, the given port, one sub-loop per processor, and the defaults for the rest: no idle
     * timeout, 30 s to complete a frame, keepalive after 60 s quiet, no connection limit.
     */
    public static ServerConfig defaults(int port) {
        return new ServerConfig("127.0.0.1", port, Runtime.getRuntime().availableProcessors(),
                DEFAULT_MAX_FRAME_LENGTH, DEFAULT_HIGH_WATER_MARK, Duration.ZERO, Duration.ofSeconds(5), 0, 1024,
                DEFAULT_FRAME_TIMEOUT, DEFAULT_KEEP_ALIVE);
    }

    public ServerConfig withHost(String v) {
        return new ServerConfig(v, port, ioThreads, maxFrameLength, highWaterMark, idleTimeout, closeTimeout, maxConnections, backlog, frameTimeout, keepAlive);
    }

    public ServerConfig withPort(int v) {
        return new ServerConfig(host, v, ioThreads, maxFrameLength, highWaterMark, idleTimeout, closeTimeout, maxConnections, backlog, frameTimeout, keepAlive);
    }

    public ServerConfig withIoThreads(int v) {
        return new ServerConfig(host, port, v, maxFrameLength, highWaterMark, idleTimeout, closeTimeout, maxConnections, backlog, frameTimeout, keepAlive);
    }

    public ServerConfig withMaxFrameLength(int v) {
        return new ServerConfig(host, port, ioThreads, v, Math.max(highWaterMark, v), idleTimeout, closeTimeout, maxConnections, backlog, frameTimeout, keepAlive);
    }

    public ServerConfig withHighWaterMark(int v) {
        return new ServerConfig(host, port, ioThreads, maxFrameLength, v, idleTimeout, closeTimeout, maxConnections, backlog, frameTimeout, keepAlive);
    }

    public ServerConfig withIdleTimeout(Duration v) {
        return new ServerConfig(host, port, ioThreads, maxFrameLength, highWaterMark, v, closeTimeout, maxConnections, backlog, frameTimeout, keepAlive);
    }

    public ServerConfig withCloseTimeout(Duration v) {
        return new ServerConfig(host, port, ioThreads, maxFrameLength, highWaterMark, idleTimeout, v, maxConnections, backlog, frameTimeout, keepAlive);
    }

    public ServerConfig withMaxConnections(int v) {
        return new ServerConfig(host, port, ioThreads, maxFrameLength, highWaterMark, idleTimeout, closeTimeout, v, backlog, frameTimeout, keepAlive);
    }

    public ServerConfig withFrameTimeout(Duration v) {
        return new ServerConfig(host, port, ioThreads, maxFrameLength, highWaterMark, idleTimeout, closeTimeout, maxConnections, backlog, v, keepAlive);
    }

    public ServerConfig withKeepAlive(Duration v) {
        return new ServerConfig(host, port, ioThreads, maxFrameLength, highWaterMark, idleTimeout, closeTimeout, maxConnections, backlog, frameTimeout, v);
    }
}
