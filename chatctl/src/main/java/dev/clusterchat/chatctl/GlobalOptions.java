package dev.clusterchat.chatctl;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * --host, --port, --json and --timeout, mixed into the root and into every subcommand: a value
 * given after the subcommand's name wins, then one given before it, then the default. Read the
 * values through the accessors, which also validate them.
 */
final class GlobalOptions {
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 6000;
    static final double DEFAULT_TIMEOUT = 10;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--host", paramLabel = "HOST", description = "Server host. Default: " + DEFAULT_HOST + ".")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Server port. Default: 6000.")
    private Integer port;

    @Option(names = "--json", description = "Print every frame received as one JSON line, and nothing else on stdout.")
    private boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Seconds to wait to connect and for each reply. Default: 10.")
    private Double timeout;

    /** The options given before the subcommand (or these, if this is the root or it runs alone). */
    private GlobalOptions outer() {
        Chatctl root = Chatctl.of(mixee);
        return root != null && root.global != null ? root.global : this;
    }

    String host() {
        String h = host != null ? host : outer().host != null ? outer().host : DEFAULT_HOST;
        if (h.isBlank()) {
            throw usage("--host cannot be empty");
        }
        return h;
    }

    int port() {
        int p = port != null ? port : outer().port != null ? outer().port : DEFAULT_PORT;
        if (p < 1 || p > 65535) {
            throw usage("--port must be between 1 and 65535: " + p);
        }
        return p;
    }

    boolean json() {
        return json || outer().json;
    }

    Duration timeout() {
        double s = timeout != null ? timeout : outer().timeout != null ? outer().timeout : DEFAULT_TIMEOUT;
        if (!(s > 0) || s > 86_400) {
            throw usage("--timeout must be more than 0 and at most 86400 seconds: " + s);
        }
        return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
    }

    /** Validates every option at once, before anything is sent. */
    void validate() {
        host();
        port();
        timeout();
    }

    /** An Output on the mixee's stdout and stderr, in --json mode or not. */
    Output output() {
        return new Output(mixee.commandLine().getOut(), mixee.commandLine().getErr(), json());
    }

    /** Connects to the server; every frame received goes to {@code sink} first, on the reader thread. */
    ChatConnection connect(Consumer<Frame> sink) {
        return ChatConnection.open(host(), port(), timeout(), sink);
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
