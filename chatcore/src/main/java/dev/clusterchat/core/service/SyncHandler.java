package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.Cursor;

import java.util.HashMap;
import java.util.Map;

/**
 * msgid 20: {"useq"?,"gseqs"?,"limit"?} → {"msgid":21,"errno":0,"msgs":[...],"more","useq","gseqs"}:
 * the messages after the client's positions (a timeline left out starts at the acknowledged one), a
 * page at a time, and the positions the page reached (past the sender's own group messages, which
 * are left out). When nothing is left the connection's outbox goes live from the positions reached.
 */
final class SyncHandler implements MessageHandler {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final ChatContext ctx;

    SyncHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        long self = r.userId();
        Outbox outbox = r.session().outbox();
        long useq = Fields.optionalNumber(r.body(), "useq", 0, Long.MAX_VALUE, -1);
        Map<Long, Long> gseqs = Fields.idMap(r.body(), "gseqs", 100_000);
        int limit = (int) Fields.optionalNumber(r.body(), "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        if (outbox == null) {
            throw new ChatException(Errno.NOT_LOGGED_IN);
        }
        Map<Long, Long> from = new HashMap<>(); // every timeline of the user
        Map<Long, Long> toRead = new HashMap<>(); // those with something after the position
        for (Cursor c : ctx.store().cursors(self)) {
            long t = c.timeline();
            // a position past the timeline's end would make the outbox drop the messages up to it
            long p = Math.min(c.last(), t == 0 ? (useq >= 0 ? useq : c.acked()) : gseqs.getOrDefault(t, c.acked()));
            from.put(t, p);
            if (c.last() > p) {
                toRead.put(t, p);
            }
        }
        Backlog.Page page = toRead.isEmpty() ? null : Backlog.read(ctx.store(), self, toRead, limit, ctx.maxPageBytes());
        JsonArray msgs = new JsonArray();
        if (page != null) {
            for (Messages.Outgoing m : Backlog.visible(page, self)) {
                msgs.add(Messages.toJson(m.message()));
            }
            from.putAll(page.reached());
        }
        boolean more = page != null && page.more();
        JsonObject reply = r.okReply();
        reply.add("msgs", msgs);
        reply.addProperty("more", more);
        Messages.putPositions(reply, from);
        r.replyInLoop(reply, frame -> outbox.syncPage(frame, from, more));
    }
}
