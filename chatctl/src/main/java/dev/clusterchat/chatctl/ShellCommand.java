package dev.clusterchat.chatctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * chatctl shell: the seed client's interactive commands, one per stdin line. A stdin thread feeds
 * lines to the main thread, which runs them one at a time and waits for each reply; incoming
 * messages print from the connection's reader thread meanwhile.
 */
@Command(name = "shell", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = {"Interactive client with the seed client's commands (type help), one per line of stdin.",
                "Scriptable: printf 'chat:2:hi\\nquit\\n' | chatctl shell --id 1 --password x",
                "Without --id, log in with login:id:password. Exits 1 if any command failed, 3 if the server closed.",
                "With --ack, logins have \"ack\":true: the shell syncs at login (msgid 20), then",
                "acknowledges every message it shows (msgid 22), so none comes again."})
final class ShellCommand implements Callable<Integer> {
    /** Queue markers: end of stdin, connection closed. */
    private static final Object EOF = new Object();
    private static final Object CLOSED = new Object();

    @Mixin
    private GlobalOptions global;

    @Mixin
    private Credentials credentials;

    @Spec
    private CommandSpec spec;

    @Mixin
    private PingOption ping;

    @Option(names = "--ack", description = "Log in with \"ack\":true: sync at login and acknowledge the messages shown.")
    private boolean ack;

    @Override
    public Integer call() {
        boolean login = credentials.given();
        long id = login ? credentials.id() : 0;
        String password = login ? credentials.password() : null;
        global.validate();
        Duration pingInterval = ping.interval();
        Output out = global.output();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        // with --json every frame is printed as it is; otherwise the receiver prints the messages
        Receiver receiver = ack ? new Receiver(out, out.json() ? m -> { } : out::message, true, true, 0) : null;
        try (ChatConnection conn = global.connect(f -> {
            if (receiver == null || !receiver.accept(f) || out.json()) {
                out.echo(f);
            }
        })) {
            Keepalive.start(conn, pingInterval);
            ShellInterpreter shell = new ShellInterpreter(conn, out, global.timeout(), receiver);
            if (login) {
                shell.login(id, password);
            } else {
                out.note("connected to " + conn.peer() + "; log in with login:id:password (help lists the commands)");
            }
            conn.closed().thenRun(() -> events.add(CLOSED));
            readLines(events);
            while (true) {
                Object event = events.take();
                if (event == CLOSED) {
                    throw ChatctlException.closed(conn.peer());
                }
                if (event == EOF || !shell.run((String) event)) {
                    shell.finish();
                    return shell.failures() == 0 ? ExitCodes.OK : ExitCodes.ERROR_REPLY;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChatctlException.interrupted();
        }
    }

    /** Starts a daemon thread that queues stdin's lines, then EOF (it may stay blocked on a terminal). */
    private void readLines(BlockingQueue<Object> events) {
        BufferedReader in = new BufferedReader(new InputStreamReader(Chatctl.stdin(spec), StandardCharsets.UTF_8));
        Thread t = new Thread(() -> {
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    events.add(line);
                }
            } catch (IOException e) {
                // unreadable stdin ends the input like EOF
            } finally {
                events.add(EOF);
            }
        }, "chatctl-stdin");
        t.setDaemon(true);
        t.start();
    }
}
