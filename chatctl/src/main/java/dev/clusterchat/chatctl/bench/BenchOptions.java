package dev.clusterchat.chatctl.bench;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetSocketAddress;

/**
 * --host, --port, --json and --timeout for the bench commands: a value given after the scenario
 * wins, then one given after "bench", then one given before it (chatctl's global options), then
 * the default. Also --threads, the number of selector threads.
 */
final class BenchOptions {
    private static final String DEFAULT_HOST = "127.0.0.1";
    private static final int DEFAULT_PORT = 6000;
    private static final double DEFAULT_TIMEOUT = 10;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--host", paramLabel = "HOST", description = "Server host. Default: " + DEFAULT_HOST + ".")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Server port. Default: 6000.")
    private Integer port;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout, and nothing else there.")
    private boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Seconds to wait to connect, and without progress before giving up. Default: 10.")
    private Double timeout;

    @Option(names = "--write-each",
            description = "Write every request with a system call of its own, as many separate small clients would."
                    + " Default: the requests a connection makes in one round of its loop leave in one write.")
    private boolean writeEach;

    /** The first value set for {@code name} from the mixee up to the root command, or null. */
    private Object lookup(String name) {
        for (CommandSpec s = mixee; s != null; s = s.parent()) {
            OptionSpec o = s.findOption(name);
            Object v = o == null ? null : o.getValue();
            if (v != null && !Boolean.FALSE.equals(v)) {
                return v;
            }
        }
        return null;
    }

    String host() {
        Object h = lookup("--host");
        String s = h == null ? DEFAULT_HOST : h.toString();
        if (s.isBlank()) {
            throw usage("--host cannot be empty");
        }
        return s;
    }

    int port() {
        Object p = lookup("--port");
        int v = p == null ? DEFAULT_PORT : (Integer) p;
        if (v < 1 || v > 65535) {
            throw usage("--port must be between 1 and 65535: " + v);
        }
        return v;
    }

    boolean json() {
        return lookup("--json") != null;
    }

    boolean writeEach() {
        return lookup("--write-each") != null;
    }

    int timeoutMillis() {
        Object t = lookup("--timeout");
        double s = t == null ? DEFAULT_TIMEOUT : (Double) t;
        if (!(s > 0) || s > 86_400) {
            throw usage("--timeout must be more than 0 and at most 86400 seconds: " + s);
        }
        return (int) Math.max(1, Math.round(s * 1000));
    }

    InetSocketAddress target() {
        return new InetSocketAddress(host(), port());
    }

    /** Validates every option at once, before anything is sent. */
    void validate() {
        host();
        port();
        timeoutMillis();
    }

    PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    PrintWriter err() {
        return mixee.commandLine().getErr();
    }

    ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
