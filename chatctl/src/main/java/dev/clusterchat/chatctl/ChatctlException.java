package dev.clusterchat.chatctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * An expected failure: printed as one line ("chatctl: " + message), never as a stack trace, and
 * mapped to its exit code by {@link ExitCodes}.
 */
final class ChatctlException extends RuntimeException {
    /** The server's "try again": the database or the cluster is unreachable; a chat message was not stored. */
    static final int ERRNO_TRY_AGAIN = 13;

    private final int exitCode;

    ChatctlException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** The same failure with {@code hint} added to its message. */
    ChatctlException withHint(String hint) {
        return new ChatctlException(exitCode, getMessage() + hint);
    }

    /** Returns the reply if its errno is 0; otherwise throws "WHAT failed: errmsg (errno N)". */
    static JsonObject requireOk(JsonObject reply, String what) {
        if (errno(reply) != 0) {
            throw failed(what, reply);
        }
        return reply;
    }

    static ChatctlException failed(String what, JsonObject reply) {
        return new ChatctlException(ExitCodes.ERROR_REPLY, what + " failed: " + describe(reply));
    }

    /** "errmsg (errno N)". */
    static String describe(JsonObject reply) {
        JsonElement m = reply.get("errmsg");
        String msg = m != null && m.isJsonPrimitive() ? m.getAsString() : "error";
        return msg + " (errno " + errno(reply) + ")";
    }

    /** The reply's errno; 0 when absent, -1 when it is not a number. */
    static int errno(JsonObject reply) {
        JsonElement e = reply.get("errno");
        if (e == null || e.isJsonNull()) {
            return 0;
        }
        try {
            return e.getAsInt();
        } catch (RuntimeException notANumber) {
            return -1;
        }
    }

    static ChatctlException unreachable(String peer, IOException e) {
        String why = e instanceof UnknownHostException ? "unknown host" : e.getMessage();
        return new ChatctlException(ExitCodes.UNREACHABLE, "cannot connect to " + peer + ": "
                + (why == null ? e.getClass().getSimpleName() : why));
    }

    static ChatctlException closed(String peer) {
        return new ChatctlException(ExitCodes.UNREACHABLE, "connection to " + peer + " closed by the server");
    }

    static ChatctlException noReply(String what, Duration timeout) {
        return new ChatctlException(ExitCodes.NO_REPLY, "no reply to " + what + " within " + seconds(timeout) + " s");
    }

    static ChatctlException interrupted() {
        return new ChatctlException(ExitCodes.UNREACHABLE, "interrupted");
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0);
    }
}
