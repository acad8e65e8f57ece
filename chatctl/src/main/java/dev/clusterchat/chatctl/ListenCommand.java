package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * chatctl listen: stay logged in and print incoming messages until Ctrl+C, the server closes
 * (exit 3) or --count messages arrived (exit 0). Messages print on the connection's reader thread,
 * offline ones first since they come with the login reply.
 */
@Command(name = "listen", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = {"Stay logged in and print incoming messages until Ctrl+C or the server closes.",
                "One line each: \"[time] name(id) -> you: msg\" or \"[time] group G: name(id): msg\"",
                "(with --json, the message's JSON).",
                "Offline messages come first. Status goes to stderr."})
final class ListenCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Mixin
    private Credentials credentials;

    @Spec
    private CommandSpec spec;

    @Option(names = "--count", paramLabel = "N",
            description = "Exit 0 after N messages, offline ones included. Default: no limit.")
    private Integer count;

    @Mixin
    private PingOption ping;

    private final AtomicInteger received = new AtomicInteger();
    private final CompletableFuture<Void> enough = new CompletableFuture<>();

    @Override
    public Integer call() {
        long id = credentials.id();
        String password = credentials.password();
        global.validate();
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1: " + count);
        }
        Duration pingInterval = ping.interval();
        Output out = global.output();
        try (ChatConnection conn = global.connect(f -> onFrame(f, out))) {
            JsonObject login = conn.call(Requests.login(id, password), global.timeout(), "login");
            ChatctlException.requireOk(login, "login");
            out.status("listening as " + Formats.s(login, "name") + " (id " + id + ")");
            Keepalive.start(conn, pingInterval);
            try {
                CompletableFuture.anyOf(enough, conn.closed()).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.OK;
            } catch (ExecutionException cannotHappen) {
                throw new IllegalStateException(cannotHappen);
            }
            if (enough.isDone()) {
                return ExitCodes.OK;
            }
            throw ChatctlException.closed(conn.peer());
        }
    }

    /** Reader thread: the login reply's offline messages, then live ones; replies are not printed. */
    private void onFrame(Frame f, Output out) {
        if (f.reply()) {
            if (f.msgid() == 2 && ChatctlException.errno(f.json()) == 0) {
                Formats.offline(f.json()).forEach(m -> {
                    out.message(m);
                    counted();
                });
            }
            return;
        }
        out.incoming(f);
        if (f.msgid() == Requests.ONE_CHAT || f.msgid() == Requests.GROUP_CHAT) {
            counted();
        }
    }

    private void counted() {
        if (count != null && received.incrementAndGet() >= count) {
            enough.complete(null);
        }
    }
}
