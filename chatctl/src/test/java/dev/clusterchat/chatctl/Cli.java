package dev.clusterchat.chatctl;

import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs chatctl in-process, as {@code new CommandLine(new Chatctl(...)).execute(args)}, with captured stdout and stderr. */
final class Cli {
    static final Duration WAIT = Duration.ofSeconds(10);

    record Result(int exit, String out, String err) {
        /** The last word of each line of stdout (for tests whose messages are one word each). */
        List<String> lastWords() {
            return out.lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        }
    }

    /** A command running on its own thread. */
    record Running(Capture out, Capture err, CompletableFuture<Integer> exit) {
        int awaitExit() throws Exception {
            return exit.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        return run("", Map.of(), args);
    }

    static Result run(String stdin, Map<String, String> env, String... args) {
        Capture out = new Capture();
        Capture err = new Capture();
        int exit = commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, out, err).execute(args);
        return new Result(exit, out.text(), err.text());
    }

    static Running start(InputStream stdin, String... args) {
        Capture out = new Capture();
        Capture err = new Capture();
        CommandLine cl = commandLine(stdin, Map.of(), out, err);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                exit.complete(cl.execute(args));
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        }, "chatctl-under-test");
        t.setDaemon(true);
        t.start();
        return new Running(out, err, exit);
    }

    static Running start(String... args) {
        return start(new ByteArrayInputStream(new byte[0]), args);
    }

    private static CommandLine commandLine(InputStream stdin, Map<String, String> env, Capture out, Capture err) {
        CommandLine cl = new CommandLine(new Chatctl(stdin, env));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }
}
