package dev.clusterchat.core.service;

import dev.clusterchat.core.metrics.ChatMetrics;
import dev.clusterchat.core.net.CloseReason;
import dev.clusterchat.core.net.Connection;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the service reports what happens: counts for {@link ChatMetrics}, and one log line per
 * connection event (opened, logged in, logged out, closed) at a level of the embedder's choosing,
 * FINE by default so that INFO logs stay quiet. Thread-safe.
 */
final class Telemetry {
    private static final Logger LOG = Logger.getLogger("dev.clusterchat.core.connections");

    private final ChatMetrics metrics;
    private final Level level;

    Telemetry(ChatMetrics metrics, Level connectionLogLevel) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.level = Objects.requireNonNull(connectionLogLevel, "connectionLogLevel");
    }

    ChatMetrics metrics() {
        return metrics;
    }

    /** Loop thread: a connection was accepted and registered. */
    void opened(Connection c) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "connection " + c.id() + " opened from " + address(c));
        }
    }

    /** Loop thread: a trusted proxy named the client of this connection. */
    void proxied(Connection c, java.net.InetSocketAddress client) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "connection " + c.id() + " is client " + client.getAddress().getHostAddress() + ":"
                    + client.getPort() + " (PROXY header from " + address(c) + ")");
        }
    }

    /** Loop thread: a connection ended; {@code userId} is who was logged in on it, or 0; {@code client} its client's address. */
    void closed(Connection c, long userId, java.net.InetSocketAddress client) {
        CloseReason reason = c.closeReason() != null ? c.closeReason() : CloseReason.SERVER;
        metrics.connectionClosed(reason);
        if (LOG.isLoggable(level)) {
            String from = client == null ? address(c) : client.getAddress().getHostAddress() + ":" + client.getPort();
            LOG.log(level, "connection " + c.id() + " from " + from + " closed (" + reason.label() + ")"
                    + (userId != 0 ? ", user " + userId : ""));
        }
    }

    /** Any thread: a login succeeded; the reply is on its way. */
    void loggedIn(Connection c, long userId) {
        metrics.login(true);
        if (LOG.isLoggable(level)) {
            LOG.log(level, "connection " + c.id() + " logged in as user " + userId);
        }
    }

    /** Any thread: a user went offline on this connection (logout, or the connection closed). */
    void loggedOut(Connection c, long userId) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "connection " + c.id() + " logged out user " + userId);
        }
    }

    /** Loop thread: a frame named this msgid. */
    void request(int msgid) {
        metrics.request(msgid);
    }

    /** Any thread: an error reply to a request with this msgid ({@link MsgId#ERROR} when none could be read). */
    void errorReply(int requestMsgid, Errno errno) {
        metrics.errorReply(errno);
        if (requestMsgid == MsgId.LOGIN) {
            metrics.login(false);
        }
    }

    private static String address(Connection c) {
        InetSocketAddress a = c.remoteAddress();
        return a == null ? "an unknown address" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
