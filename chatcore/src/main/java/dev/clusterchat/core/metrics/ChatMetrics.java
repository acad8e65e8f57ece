package dev.clusterchat.core.metrics;

import dev.clusterchat.core.net.CloseReason;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;

import java.util.concurrent.atomic.LongAdder;

/**
 * The chat service's counters: connections closed by reason, logins, requests by msgid, error
 * replies by errno, and messages delivered. The service counts as it goes; {@link #addTo} reads
 * them into a snapshot. Each count is one {@link LongAdder} increment. Thread-safe.
 */
public final class ChatMetrics {
    /** msgids below this are counted one by one; the rest (never valid requests) under "other". */
    private static final int COUNTED_MSGIDS = 32;
    private static final int[] REQUEST_MSGIDS = {MsgId.LOGIN, MsgId.LOGOUT, MsgId.REG, MsgId.ONE_CHAT,
            MsgId.ADD_FRIEND, MsgId.CREATE_GROUP, MsgId.ADD_GROUP, MsgId.GROUP_CHAT, MsgId.PING};

    private final LongAdder[] closed = adders(CloseReason.values().length);
    private final LongAdder loginsOk = new LongAdder();
    private final LongAdder loginsFailed = new LongAdder();
    /** Index = msgid; the last slot counts every other msgid. */
    private final LongAdder[] requests = adders(COUNTED_MSGIDS + 1);
    private final LongAdder[] errors = adders(Errno.values().length);
    private final LongAdder deliveredLive = new LongAdder();
    private final LongAdder deliveredRemote = new LongAdder();
    private final LongAdder stored = new LongAdder();

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** Thread-safe: a connection ended. */
    public void connectionClosed(CloseReason reason) {
        closed[reason.ordinal()].increment();
    }

    /** Thread-safe: a login succeeded, or was answered with an error. */
    public void login(boolean ok) {
        (ok ? loginsOk : loginsFailed).increment();
    }

    /** Thread-safe: a frame named this msgid. */
    public void request(int msgid) {
        requests[msgid >= 0 && msgid < COUNTED_MSGIDS ? msgid : COUNTED_MSGIDS].increment();
    }

    /** Thread-safe: an error was answered (or would have been: legacy peers get no reply to some requests). */
    public void errorReply(Errno errno) {
        errors[errno.ordinal()].increment();
    }

    /** Thread-safe: copies of a message handed to recipients' connections on this node. */
    public void deliveredLive(int recipients) {
        deliveredLive.add(recipients);
    }

    /** Thread-safe: copies of a message published to the nodes that hold their recipients. */
    public void deliveredRemote(int recipients) {
        deliveredRemote.add(recipients);
    }

    /** Thread-safe: copies of a message stored for offline recipients. */
    public void stored(int recipients) {
        stored.add(recipients);
    }

    /** Thread-safe: adds every counter to the snapshot. */
    public void addTo(MetricsSnapshot.Builder b) {
        MetricsSnapshot.FamilyBuilder closes = b.counter("chat_connections_closed_total",
                "Connections closed, by reason: peer, idle, high_water, frame_error, server, error.");
        for (CloseReason r : CloseReason.values()) {
            closes.sample(closed[r.ordinal()].sum(), "reason", r.label());
        }
        b.counter("chat_logins_total", "Login requests answered, by result (ok, failed).")
                .sample(loginsOk.sum(), "result", "ok")
                .sample(loginsFailed.sum(), "result", "failed");
        MetricsSnapshot.FamilyBuilder in = b.counter("chat_requests_total",
                "Requests received, by the msgid they named (other: 32 and up, or negative).");
        for (int id = 0; id < COUNTED_MSGIDS; id++) {
            long n = requests[id].sum();
            if (n > 0 || isRequest(id)) {
                in.sample(n, "msgid", Integer.toString(id));
            }
        }
        in.sample(requests[COUNTED_MSGIDS].sum(), "msgid", "other");
        MetricsSnapshot.FamilyBuilder err = b.counter("chat_error_replies_total",
                "Error replies, by errno and its name (kind).");
        for (Errno e : Errno.values()) {
            if (e != Errno.OK) {
                err.sample(errors[e.ordinal()].sum(), "errno", Integer.toString(e.code()),
                        "kind", e.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        b.counter("chat_deliveries_total", "Copies of chat messages sent on, by path: live (to a connection here), "
                        + "remote (published to another node), stored (kept for an offline user).")
                .sample(deliveredLive.sum(), "path", "live")
                .sample(deliveredRemote.sum(), "path", "remote")
                .sample(stored.sum(), "path", "stored");
    }

    private static boolean isRequest(int msgid) {
        for (int id : REQUEST_MSGIDS) {
            if (id == msgid) {
                return true;
            }
        }
        return false;
    }
}
