package dev.clusterchat.chatctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** chatctl send: send any JSON frame (optionally after logging in) and print what comes back. */
@Command(name = "send", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = {"Send any JSON frame, optionally after logging in, and print the frames that come back.",
                "Without \"seq\" the frame gets one, and its reply is matched by it. Exits 1 if a reply has errno != 0.",
                "Example: chatctl send '{\"msgid\":18}'"})
final class SendCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Mixin
    private Credentials credentials;

    @Spec
    private CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "Send the frame N times, each with its own seq, and wait for every reply. "
                    + "Default: ${DEFAULT-VALUE}.")
    private int count;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
            description = "After the replies, keep printing whatever arrives for this long. Default: ${DEFAULT-VALUE}.")
    private double wait;

    @Parameters(paramLabel = "JSON", description = "The frame: one JSON object, e.g. '{\"msgid\":18}'.")
    private String frame;

    /** Frames are printed once this is set: at once with --json, after the login otherwise. */
    private volatile boolean printing;

    @Override
    public Integer call() {
        JsonObject request = parse(frame);
        if (count < 1) {
            throw usage("--count must be at least 1: " + count);
        }
        if (count > 1 && request.has("seq")) {
            throw usage("--count " + count + " needs a frame without \"seq\" (each copy gets its own)");
        }
        if (!(wait >= 0) || wait > 86_400) {
            throw usage("--wait must be between 0 and 86400 seconds: " + wait);
        }
        boolean login = credentials.given();
        long id = login ? credentials.id() : 0;
        String password = login ? credentials.password() : null;
        global.validate();
        Output out = global.output();
        printing = out.json();
        try (ChatConnection conn = global.connect(f -> {
            if (printing) {
                out.frame(f);
            }
        })) {
            if (login) {
                ChatctlException.requireOk(conn.call(Requests.login(id, password), global.timeout(), "login"), "login");
            }
            printing = true;
            List<CompletableFuture<JsonObject>> replies = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                replies.add(conn.send(request));
            }
            int failed = 0;
            for (CompletableFuture<JsonObject> r : replies) {
                JsonObject reply = ChatConnection.await(r, global.timeout(), "msgid " + Formats.s(request, "msgid"));
                if (ChatctlException.errno(reply) != 0) {
                    out.error("send failed: " + ChatctlException.describe(reply));
                    failed++;
                }
            }
            linger(conn, Duration.ofMillis(Math.round(wait * 1000)));
            return failed == 0 ? ExitCodes.OK : ExitCodes.ERROR_REPLY;
        }
    }

    /** Keeps the connection open (the sink keeps printing) for {@code d}, or until it closes. */
    private static void linger(ChatConnection conn, Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            conn.closed().get(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException done) {
            // waited the whole time
        } catch (ExecutionException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonObject parse(String text) {
        try {
            JsonElement e = JsonParser.parseString(text);
            if (e.isJsonObject()) {
                return e.getAsJsonObject();
            }
        } catch (RuntimeException e) {
            throw usage("JSON is not valid: " + e.getMessage());
        }
        throw usage("JSON must be one object, e.g. '{\"msgid\":18}': " + text);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
