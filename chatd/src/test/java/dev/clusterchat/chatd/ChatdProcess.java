package dev.clusterchat.chatd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** chatd started from its shaded jar as a child process, as a user runs it; output goes to a log file. */
final class ChatdProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("chatd listening on [^ ]+:(\\d+)");

    private final Process process;
    private final Path log;
    private final int port;
    private final Map<String, String> env;
    private final String[] args;

    private ChatdProcess(Process process, Path log, int port, Map<String, String> env, String[] args) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.env = env;
        this.args = args;
    }

    /** Starts {@code java -jar target/chatd.jar --port 0 --host 127.0.0.1 args...} and waits for its port. */
    static ChatdProcess start(Path logDir, String name, String... args) throws IOException, InterruptedException {
        return start(logDir, name, Map.of(), args);
    }

    /** As {@link #start(Path, String, String...)}, with these variables added to the child's environment. */
    static ChatdProcess start(Path logDir, String name, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return start(logDir, name, 0, env, args);
    }

    /**
     * Starts chatd again, after a {@link #kill9()}, with the same options on the same port; its
     * output goes to {@code name}.log next to this one's.
     */
    ChatdProcess restart(String name) throws IOException, InterruptedException {
        return start(log.getParent(), name, port, env, args);
    }

    private static ChatdProcess start(Path logDir, String name, int port, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Path jar = Path.of("target", "chatd.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("target/chatd.jar is missing: run the package phase first");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "--port", String.valueOf(port), "--host", "127.0.0.1", "--password-iterations", "1000"));
        cmd.addAll(List.of(args));
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return new ChatdProcess(p, log, Integer.parseInt(m.group(1)), env, args);
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(50); // polling the child's log file; there is no event to wait on
        }
        p.destroyForcibly();
        throw new IllegalStateException(name + " did not start in 30 s:\n" + Files.readString(log));
    }

    int port() {
        return port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** kill -9: no shutdown, no cleanup, exactly a crash. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
