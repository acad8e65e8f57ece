package dev.clusterchat.chatctl.bench;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * The shape shared by the bench scenarios: validate every option, run, print the report; an
 * expected failure is one line on stderr and its exit code (3 unreachable, 4 no progress).
 */
abstract class Scenario implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Option(names = "--threads", paramLabel = "N",
            description = "Selector threads of the load generator. Default: min(4, processors).")
    Integer threads;

    /** Checks the scenario's own options; throws options.usage(...) on a bad one. */
    abstract void validate();

    /** Runs the scenario, prints its report, and returns the exit code. */
    abstract int run(Harness h);

    int connectionsNeeded() {
        return Integer.MAX_VALUE;
    }

    @Override
    public final Integer call() {
        options.validate();
        validate();
        int t = threads != null ? threads : Math.min(4, Runtime.getRuntime().availableProcessors());
        if (t < 1 || t > 256) {
            throw options.usage("--threads must be between 1 and 256: " + t);
        }
        try (Harness h = new Harness(options, Math.max(1, Math.min(t, connectionsNeeded())))) {
            return run(h);
        } catch (BenchException e) {
            options.err().println("chatctl: " + e.getMessage());
            options.err().flush();
            return e.exitCode();
        }
    }

    void require(boolean ok, String message) {
        if (!ok) {
            throw options.usage(message);
        }
    }
}
