package dev.clusterchat.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An echo server in its own JVM: started with this process's classpath, ready once it prints
 * "listening on PORT", killed by {@link #close()} (and by a shutdown hook if the bench dies first).
 * Its other output is passed on to our stderr, prefixed with its label.
 *
 * <p>Thread safety: start and close from one thread; a daemon thread drains the child's stdout.
 */
final class ServerProcess implements AutoCloseable {
    private static final String READY = "listening on ";
    private static final long START_TIMEOUT_SECONDS = 30;

    private final ServerKind kind;
    private final Process process;
    private final Thread killOnExit;
    private final int port;

    private ServerProcess(ServerKind kind, Process process, Thread killOnExit, int port) {
        this.kind = kind;
        this.process = process;
        this.killOnExit = killOnExit;
        this.port = port;
    }

    /** Starts the server and waits until it listens. */
    static ServerProcess start(ServerKind kind, List<String> jvmOptions, int ioThreads) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(kind.mainClass.getName());
        cmd.add("--port");
        cmd.add("0");
        cmd.add("--io-threads");
        cmd.add(Integer.toString(ioThreads));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread killOnExit = new Thread(p::destroyForcibly, "kill-" + kind.label);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread drain = new Thread(() -> drain(p, kind, listening), "drain-" + kind.label);
        drain.setDaemon(true);
        drain.start();
        try {
            int port = listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new ServerProcess(kind, p, killOnExit, port);
        } catch (ExecutionException | TimeoutException e) {
            kill(p);
            forget(killOnExit);
            String why = e instanceof TimeoutException ? "did not print \"" + READY + "PORT\" within "
                    + START_TIMEOUT_SECONDS + " s" : e.getCause().getMessage();
            throw new IOException(kind.label + " server " + why);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            forget(killOnExit);
            throw e;
        }
    }

    private static void drain(Process p, ServerKind kind, CompletableFuture<Integer> listening) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!listening.isDone() && line.startsWith(READY)) {
                    listening.complete(Integer.parseInt(line.substring(READY.length()).trim()));
                } else {
                    System.err.println("[" + kind.label + "] " + line);
                }
            }
        } catch (IOException | NumberFormatException e) {
            listening.completeExceptionally(e);
        }
        p.onExit().thenAccept(q -> listening.completeExceptionally(
                new IOException("exited with code " + q.exitValue() + " before listening")));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the server process has used so far (every thread: I/O, JIT, GC), or -1 if the OS won't say. */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    ServerKind kind() {
        return kind;
    }

    /** Kills the server (SIGTERM, then SIGKILL after 10 s) and waits for it to end. */
    @Override
    public void close() {
        try {
            kill(process);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        forget(killOnExit);
    }

    private static void forget(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway, on a process already gone
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }
}
