package dev.clusterchat.core.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
public final class RedisServerProcess extends ChildServer {
    private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Path program;

    private RedisServerProcess(Path program) {
        super("redis-server", newDirectory("chat-redis-"));
        this.program = program;
    }

    /** Starts a new, empty redis-server and returns once it answers PING. */
    public static RedisServerProcess create() {
        return started(new RedisServerProcess(Services.requireProgram("redis-server", "redis-server")));
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port());
    }

    @Override
    List<String> command() {
        return List.of(program.toString(), "--port", Integer.toString(port()), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir().toString());
    }

    @Override
    boolean ready() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port()), 500);
            s.setSoTimeout(500);
            s.getOutputStream().write(PING);
            byte[] reply = s.getInputStream().readNBytes(7);
            return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException notYet) {
            return false;
        }
    }
}
