package dev.clusterchat.core.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A private redis-server of the test's own, on a free port and without persistence, that the test
 * stops, kills and starts again; never the machine's shared Redis. Since nothing is saved, a
 * restarted server is empty. {@link #create()} skips the calling test (or fails it in CI) when
 * redis-server is not installed.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class RedisServerProcess implements AutoCloseable {
    private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private final int port;
    private final ChildServer server;

    private RedisServerProcess(Path program, Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.server = new ChildServer("redis-server on port " + port,
                List.of(program.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString()),
                dir.resolve("redis.log"), this::answersPing);
    }

    /** Starts a new, empty redis-server and returns once it answers PING. */
    public static RedisServerProcess create() {
        Path program = Services.requireProgram("redis-server", "redis-server");
        Path dir;
        try {
            dir = Files.createTempDirectory("chat-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisServerProcess redis = new RedisServerProcess(program, dir, ChildServer.freePort());
        try {
            redis.start();
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Starts the server again on the same port (empty) and waits until it answers PING. */
    public void start() {
        server.start();
    }

    /** SIGTERM: Redis closes its connections and exits. */
    public void stop() {
        server.stop();
    }

    /** SIGKILL: the process is gone at once, its connections reset by the kernel. */
    public void kill() {
        server.kill();
    }

    /** {@link #stop()} then {@link #start()}. */
    public void restart() {
        stop();
        start();
    }

    public boolean running() {
        return server.running();
    }

    /** Kills the server and deletes its directory. */
    @Override
    public void close() {
        server.close();
        ChildServer.deleteTree(dir);
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(500);
            s.getOutputStream().write(PING);
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException notYet) {
            return false;
        }
    }
}
