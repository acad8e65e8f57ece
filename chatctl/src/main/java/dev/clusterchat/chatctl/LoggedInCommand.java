package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;

/**
 * Base of the one-shot commands that log in first: connect, log in, send one request, print the
 * reply, exit 0 (or 1 on an error reply). Offline messages the login returns are printed too:
 * the server forgets them once it has sent them.
 */
abstract class LoggedInCommand extends UserCommand {
    /** The request to send once logged in (validating the arguments), or null to stop at login. */
    abstract JsonObject request();

    @Override
    public final Integer call() {
        long id = checkedLogin();
        JsonObject request = request();
        Output out = global.output();
        try (ChatConnection conn = global.connect(out::echo)) {
            JsonObject login = exchange(conn, Requests.login(id, credentials.password()), "login");
            if (request == null) {
                out.lines(Formats.login(login));
                return ExitCodes.OK;
            }
            if (!out.json()) {
                Formats.offline(login).forEach(out::message);
            }
            JsonObject reply = request.has("cmid") ? resendable(conn, request) : exchange(conn, request, spec.name());
            out.line(Formats.reply(request, reply));
            return ExitCodes.OK;
        }
    }

    private JsonObject exchange(ChatConnection conn, JsonObject request, String what) {
        return ChatctlException.requireOk(conn.call(request, global.timeout(), what), what);
    }

    /**
     * A chat message: when it may not have been stored (no reply, the connection lost, errno 13), the
     * error says how to resend it so that it is stored once.
     */
    private JsonObject resendable(ChatConnection conn, JsonObject request) {
        String hint = "; resend with --cmid " + Formats.s(request, "cmid") + " to store it at most once";
        JsonObject reply;
        try {
            reply = conn.call(request, global.timeout(), spec.name());
        } catch (ChatctlException e) {
            throw e.withHint(hint);
        }
        if (ChatctlException.errno(reply) == ChatctlException.ERRNO_TRY_AGAIN) {
            throw ChatctlException.failed(spec.name(), reply).withHint(hint);
        }
        return ChatctlException.requireOk(reply, spec.name());
    }
}
