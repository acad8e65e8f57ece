package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Base of the commands that log in as a user: the global options, --id and --password, and usage
 * errors (exit 2) that name the option. Picocli fills the fields before {@link #call}.
 */
abstract class UserCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Mixin
    Credentials credentials;

    @Spec
    CommandSpec spec;

    /** Checks --id, --password and the global options, before anything is sent; returns the id. */
    long checkedLogin() {
        long id = credentials.id();
        credentials.password();
        global.validate();
        return id;
    }

    /** Logs in as an acknowledging client ("ack":true): nothing is delivered to it until it syncs. */
    JsonObject ackLogin(ChatConnection conn) {
        JsonObject request = Requests.ackLogin(credentials.id(), credentials.password());
        return ChatctlException.requireOk(conn.call(request, global.timeout(), "login"), "login");
    }

    /** A one-line usage error for this command. */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** An id option or argument, checked. */
    long positiveId(long value, String label) {
        if (value < 1) {
            throw usage(label + " must be a positive integer: " + value);
        }
        return value;
    }

    /** Checks a numeric option: {@code min <= value <= max}. */
    void requireRange(int value, int min, int max, String option) {
        if (value < min || value > max) {
            throw usage(option + " must be between " + min + " and " + max + ": " + value);
        }
    }
}
