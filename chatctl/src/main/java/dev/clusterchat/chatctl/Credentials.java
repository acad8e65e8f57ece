package dev.clusterchat.chatctl;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** --id and --password for commands that log in first; the password may come from CHATCTL_PASSWORD. */
final class Credentials {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--id", paramLabel = "ID", description = "User id to log in as.")
    private Long id;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "Password. Default: the environment variable " + Chatctl.PASSWORD_ENV + ".")
    private String password;

    /** Whether --id was given (for commands where logging in is optional). */
    boolean given() {
        if (id == null && password != null) {
            throw new ParameterException(mixee.commandLine(), "--password needs --id");
        }
        return id != null;
    }

    long id() {
        if (id == null) {
            throw new ParameterException(mixee.commandLine(), "missing required option: '--id=ID'");
        }
        if (id < 1) {
            throw new ParameterException(mixee.commandLine(), "--id must be a positive integer: " + id);
        }
        return id;
    }

    String password() {
        return password(password, mixee);
    }

    /** The given password, else CHATCTL_PASSWORD, else a usage error. */
    static String password(String given, CommandSpec spec) {
        if (given != null) {
            return given;
        }
        String env = Chatctl.env(spec, Chatctl.PASSWORD_ENV);
        if (env != null && !env.isEmpty()) {
            return env;
        }
        throw new ParameterException(spec.commandLine(),
                "missing --password (or set " + Chatctl.PASSWORD_ENV + ")");
    }
}
