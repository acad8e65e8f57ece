package dev.clusterchat.chatctl;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * Turns failures into one line on stderr and an exit code: bad usage gets a hint to --help (exit
 * 2); expected failures ({@link ChatctlException}) get their message; only a bug prints a stack
 * trace. Stateless.
 */
final class ErrorHandler implements IParameterExceptionHandler, IExecutionExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("chatctl: " + firstLine(ex.getMessage()));
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.of(cmd, ex);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof ChatctlException) {
            err.println("chatctl: " + ex.getMessage());
        } else {
            err.println("chatctl: internal error: " + ex);
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.of(cmd, ex);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid usage";
        }
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl)).strip();
        return line.startsWith("Error: ") ? line.substring("Error: ".length()) : line; // picocli's argument groups say so
    }
}
