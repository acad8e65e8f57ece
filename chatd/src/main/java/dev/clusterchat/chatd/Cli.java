package dev.clusterchat.chatd;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Error handling shared by chatd's command line: one line per problem, no stack traces. */
final class Cli {
    static final int EXIT_STARTUP = 1;
    static final int EXIT_USAGE = 2;

    private Cli() {
    }

    /** chatd could not start (port taken, database unreachable): one line, exit 1. */
    static final class StartupException extends RuntimeException {
        StartupException(String message) {
            super(message, null, false, false);
        }
    }

    static CommandLine configure(CommandLine cmd) {
        return cmd
                .setParameterExceptionHandler((ex, args) -> {
                    PrintWriter err = ex.getCommandLine().getErr();
                    String source = ex.getCommandLine().getDefaultValueProvider() instanceof ConfigDefaults d
                            ? d.sourceOf(ex) : null;
                    err.println("chatd: " + ex.getMessage() + (source == null ? "" : " (from " + source + ")"));
                    err.println("Try 'chatd --help' for more information.");
                    return EXIT_USAGE;
                })
                .setExecutionExceptionHandler((ex, c, parsed) -> {
                    PrintWriter err = c.getErr();
                    if (ex instanceof StartupException) {
                        err.println("chatd: " + ex.getMessage());
                        return EXIT_STARTUP;
                    }
                    if (ex instanceof CommandLine.ParameterException pe) {
                        err.println("chatd: " + pe.getMessage());
                        err.println("Try 'chatd --help' for more information.");
                        return EXIT_USAGE;
                    }
                    err.println("chatd: unexpected error: " + ex);
                    return EXIT_STARTUP;
                });
    }
}
