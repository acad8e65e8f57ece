package dev.clusterchat.bench;

import picocli.CommandLine;

/**
 * What every bench command line shares: bad options print one line and exit 2; a failure while
 * running prints one line and exits 1. Never a stack trace.
 */
public final class Cli {
    public static final int USAGE = 2;
    public static final int FAILED = 1;

    private Cli() {
    }

    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println(ex.getCommandLine().getCommandName() + ": " + ex.getMessage()
                    + " (see --help)");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + oneLine(ex));
            return FAILED;
        });
        return cl;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
