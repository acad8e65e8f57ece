package dev.clusterchat.core.service;

import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;

import java.util.Map;

/**
 * msgid 22: {"useq"?,"gseqs"?} → {"msgid":23,"errno":0}: cumulative delivery acknowledgements;
 * the store's positions move forward (never past a timeline's last message), so what is acknowledged
 * is not sent again.
 */
final class DeliveredHandler implements MessageHandler {
    private final ChatContext ctx;

    DeliveredHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        long self = r.userId();
        long useq = Fields.optionalNumber(r.body(), "useq", 0, Long.MAX_VALUE, -1);
        Map<Long, Long> gseqs = Fields.idMap(r.body(), "gseqs", 100_000);
        if (useq < 0 && gseqs.isEmpty()) {
            throw new ChatException(Errno.INVALID_REQUEST, "nothing to acknowledge: give 'useq' or 'gseqs'");
        }
        if (useq > 0) {
            ctx.store().ack(self, 0, useq);
        }
        gseqs.forEach((group, seq) -> ctx.store().ack(self, group, seq));
        r.ok();
    }
}
