package dev.clusterchat.chatd;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Logs a reliable client in with {@code "ack":true} on whichever node takes it: a node that
 * refuses connections (killed) or does not answer sends it to the other; errno 2 (the account is
 * still held by a connection or a node that died; three times on one node, then the other node)
 * and errno 13 are tried again after a pause.
 */
final class AckLogin {
    private static final int ACCOUNT_IN_USE = Errno.ACCOUNT_IN_USE.code();
    private static final int TRY_AGAIN = Errno.SERVER_ERROR.code();

    /** A logged-in connection, the port it is on, and the login reply. */
    record LoggedIn(ReaderConnection connection, int port, JsonObject reply) {
    }

    private AckLogin() {
    }

    /**
     * Tries {@code ports[node]} first, then as above, until logged in; null once {@code abandoned}.
     *
     * @throws AssertionError on any other answer to the login
     */
    static LoggedIn open(int[] ports, int node, long userId, long replyTimeoutMillis, BooleanSupplier abandoned)
            throws InterruptedException {
        for (int inUse = 0; !abandoned.getAsBoolean(); ) {
            ReaderConnection c;
            try {
                c = ReaderConnection.open(ports[node]);
            } catch (IOException refused) {
                node = 1 - node; // killed: the other node, or this one once it is back
                Thread.sleep(50);
                continue;
            }
            JsonObject req = new JsonObject();
            req.addProperty("msgid", MsgId.LOGIN);
            req.addProperty("id", userId);
            req.addProperty("password", "pw");
            req.addProperty("ack", true);
            JsonObject reply = null;
            try {
                c.send(req);
                reply = c.poll(replyTimeoutMillis);
            } catch (IOException ignored) {
                // the node went away: try again
            }
            int errno = reply == null || reply == ReaderConnection.CLOSED || !reply.has("errno") ? -1 : reply.get("errno").getAsInt();
            if (errno == 0 && reply.get("msgid").getAsInt() == MsgId.LOGIN_ACK) {
                return new LoggedIn(c, ports[node], reply);
            }
            c.close();
            if (errno != -1 && errno != ACCOUNT_IN_USE && errno != TRY_AGAIN) {
                throw new AssertionError("user " + userId + ": unexpected answer to login on port " + ports[node] + ": " + reply);
            }
            if (errno != ACCOUNT_IN_USE || ++inUse % 3 == 0) {
                node = 1 - node;
            }
            Thread.sleep(errno == ACCOUNT_IN_USE ? 100 : 50); // still held by a dead connection or node
        }
        return null;
    }
}
