package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Base of the one-shot commands that log in first: connect, log in, send one request, print the
 * reply, exit 0 (or 1 on an error reply). Offline messages the login returns are printed too:
 * the server forgets them once it has sent them.
 */
abstract class LoggedInCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Mixin
    Credentials credentials;

    @Spec
    CommandSpec spec;

    /** The request to send once logged in (validating the arguments), or null to stop at login. */
    abstract JsonObject request();

    @Override
    public final Integer call() {
        long id = credentials.id();
        String password = credentials.password();
        global.validate();
        JsonObject request = request();
        Output out = global.output();
        try (ChatConnection conn = global.connect(out::echo)) {
            JsonObject login = exchange(conn, Requests.login(id, password), "login");
            if (request == null) {
                out.lines(Formats.login(login));
                return ExitCodes.OK;
            }
            if (!out.json()) {
                Formats.offline(login).forEach(out::message);
            }
            JsonObject reply = exchange(conn, request, spec.name());
            out.line(Formats.reply(request, reply));
            return ExitCodes.OK;
        }
    }

    private JsonObject exchange(ChatConnection conn, JsonObject request, String what) {
        return ChatctlException.requireOk(conn.call(request, global.timeout(), what), what);
    }

    /** A positional id argument, checked. */
    long positiveId(long value, String label) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(),
                    label + " must be a positive integer: " + value);
        }
        return value;
    }
}
