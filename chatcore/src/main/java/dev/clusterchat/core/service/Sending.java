package dev.clusterchat.core.service;

import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.StoredMessage;

import java.util.Collection;
import java.util.logging.Logger;

/**
 * What one-to-one and group chat share: a message is queued for the next commit, and once it is
 * durable the sender gets its identity ({@code msgno}, {@code useq} or {@code gseq}, {@code stime})
 * and the recipients are told. Stateless.
 */
final class Sending {
    private static final Logger LOG = Logger.getLogger(Sending.class.getName());

    private Sending() {
    }

    /** The request's optional idempotency key. */
    static String cmid(Request r) {
        return Fields.optionalText(r.body(), "cmid", NewMessage.MAX_CMID_LENGTH, null);
    }

    /** The client's display time, if it sent one. */
    static String time(Request r) {
        return Fields.optionalText(r.body(), "time", 64, null);
    }

    /**
     * Worker (serial task): queues the message; the reply follows the commit. {@code reply} appends
     * the request-specific members to the success reply, as JSON text ({@code ,"k":v}).
     */
    static void send(ChatContext ctx, Request r, NewMessage message, Collection<Long> recipients,
                     java.util.function.Consumer<StringBuilder> reply) {
        boolean queued = ctx.log().append(message, result -> {
            if (result.failure() != null) {
                RuntimeException e = result.failure();
                if (!(e instanceof StoreException)) {
                    LOG.warning("cannot store a message from user " + message.senderId() + ": " + e);
                }
                r.error(Errno.SERVER_ERROR, "database unavailable, try again later");
                return;
            }
            Appended a = result.appended();
            StoredMessage m = a.message();
            StringBuilder ok = new StringBuilder(96);
            reply.accept(ok);
            ok.append(",\"msgno\":").append(m.msgno()).append(m.isGroup() ? ",\"gseq\":" : ",\"useq\":").append(m.seq())
                    .append(",\"stime\":").append(m.stime());
            if (m.cmid() != null) {
                ok.append(",\"cmid\":");
                JsonText.quote(ok, m.cmid());
            }
            if (a.duplicate()) {
                ok.append(",\"dup\":true");
            }
            r.replyMembers(ok); // the bytes of an okReply() with these members, without building it
            // a resend is told again: the first time, the node may have died before telling anyone
            Messages.Outgoing out = Messages.Outgoing.of(m);
            if (m.isGroup()) {
                ctx.deliverer().notify(recipients, m.senderId(), out);
            } else {
                ctx.deliverer().notify(java.util.List.of(m.toId()), 0, out); // a resend's first recipient
            }
        });
        if (!queued) {
            throw new ChatException(Errno.BUSY, "too many messages waiting to be stored, slow down");
        }
        r.defer();
    }
}
