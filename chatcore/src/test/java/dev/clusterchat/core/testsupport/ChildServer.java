package dev.clusterchat.core.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server program of the test's own, run as a child process in a directory of its own on a free
 * port, to stop and start again at will: {@link #start()} launches it and waits until it is ready,
 * {@link #stop()} sends SIGTERM and waits for the exit, {@link #kill()} sends SIGKILL (a crash).
 * Output goes to a log file, quoted when something fails. A JVM that exits without
 * {@link #close()} still kills the child.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public abstract class ChildServer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Path dir;
    private final int port;
    private final Thread killAtExit = new Thread(this::destroyNow, "kill-child-at-exit");
    private volatile Process process;

    /** How a test makes the server go away. */
    public enum Fault {
        /** A clean shutdown. */
        SIGTERM,
        /** A crash: no shutdown work at all. */
        SIGKILL;

        public void apply(ChildServer server) {
            if (this == SIGKILL) {
                server.kill();
            } else {
                server.stop();
            }
        }
    }

    ChildServer(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        this.port = freePort();
        Runtime.getRuntime().addShutdownHook(killAtExit);
    }

    /** The program and its arguments. */
    abstract List<String> command();

    /** Whether the server answers now (called while starting, until it does). */
    abstract boolean ready();

    public final int port() {
        return port;
    }

    final Path dir() {
        return dir;
    }

    /** Launches the program (again, on the same port and data) and returns once it is ready; fails with its log otherwise. */
    public final void start() {
        if (running()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            process = new ProcessBuilder(command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command(), e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                destroyNow();
                throw new IllegalStateException(name + " not ready within " + READY_TIMEOUT + ":\n" + logTail());
            }
            pause(50); // polling the server's port: there is nothing to wait on
        }
    }

    /** SIGTERM, then waits for the exit. */
    public final void stop() {
        process.destroy();
        awaitExit();
    }

    /** SIGKILL, then waits for the exit: a crash, the kernel resets the connections. */
    public final void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** {@link #stop()} then {@link #start()}. */
    public final void restart() {
        stop();
        start();
    }

    public final boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Kills the program if it still runs and deletes its directory. Idempotent. */
    @Override
    public void close() {
        destroyNow();
        try {
            Runtime.getRuntime().removeShutdownHook(killAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        deleteTree(dir);
    }

    private Path log() {
        return dir.resolve(name.replaceAll("\\W+", "-") + ".log");
    }

    /** The last lines of the program's output, for failure messages. */
    final String logTail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void destroyNow() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not exit within " + EXIT_TIMEOUT + ":\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
        }
    }

    /** A new directory for a server's data and log. */
    static Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a new server, closing it (its directory too) if that fails. */
    static <S extends ChildServer> S started(S server) {
        try {
            server.start();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
