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
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A server program run as a child of the test JVM, to stop and start again at will: {@link #start()}
 * launches it and waits until its readiness probe answers, {@link #stop()} sends SIGTERM and waits
 * for the exit, {@link #kill()} sends SIGKILL (a crash). Output goes to a log file, quoted when
 * something fails. A JVM that exits without {@link #close()} still kills the child.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class ChildServer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final List<String> command;
    private final Path log;
    private final BooleanSupplier ready;
    private final Thread killAtExit = new Thread(this::destroyNow, "kill-child-at-exit");
    private volatile Process process;

    ChildServer(String name, List<String> command, Path log, BooleanSupplier ready) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
        this.ready = ready;
        Runtime.getRuntime().addShutdownHook(killAtExit);
    }

    /** Launches the program and returns once it is ready; fails with its log if it exits or is not ready in time. */
    void start() {
        if (running()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ready.getAsBoolean()) {
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

    /** SIGTERM, then waits for the exit (a clean shutdown). */
    void stop() {
        process.destroy();
        awaitExit();
    }

    /** SIGKILL, then waits for the exit: a crash, no shutdown work at all. */
    void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The last lines of the program's output, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills the program if it still runs. Idempotent. */
    @Override
    public void close() {
        destroyNow();
        try {
            Runtime.getRuntime().removeShutdownHook(killAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
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

    /** A port nobody listens on right now (the child binds it a moment later). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Deletes a directory and everything in it; quiet if it is gone already. */
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

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
