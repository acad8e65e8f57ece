package dev.clusterchat.chatctl;

import picocli.CommandLine;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.ParameterException;

/**
 * What chatctl's exit codes mean, and the mapper from exceptions to them (the root command's
 * {@code exitCodeList} documents the same numbers). Stateless.
 */
final class ExitCodes implements IExitCodeExceptionMapper {
    static final int OK = 0;
    /** The server answered with errno != 0. */
    static final int ERROR_REPLY = 1;
    /** Bad options or arguments. */
    static final int USAGE = 2;
    /** The server cannot be reached, or it closed the connection. */
    static final int UNREACHABLE = 3;
    /** No reply within --timeout. */
    static final int NO_REPLY = 4;
    /** A bug in chatctl (the only case that prints a stack trace). */
    static final int INTERNAL = 5;

    @Override
    public int getExitCode(Throwable t) {
        if (t instanceof ChatctlException e) {
            return e.exitCode();
        }
        if (t instanceof ParameterException) {
            return USAGE;
        }
        return INTERNAL;
    }

    /** The mapper installed on {@code cl}, or a new one. */
    static int of(CommandLine cl, Throwable t) {
        IExitCodeExceptionMapper m = cl.getExitCodeExceptionMapper();
        return m != null ? m.getExitCode(t) : new ExitCodes().getExitCode(t);
    }
}
