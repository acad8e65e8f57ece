package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.Group;

/** msgid 9: {"groupid"} → member with role "normal"; {"msgid":15,"groupid","groupname"}. Idempotent. */
final class JoinGroupHandler implements MessageHandler {
    private final ChatContext ctx;

    JoinGroupHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        long self = r.userId();
        long groupId = Fields.id(r.body(), "groupid");
        Group g = ctx.store().findGroup(groupId)
                .orElseThrow(() -> new ChatException(Errno.NO_SUCH_GROUP, "no group with id " + groupId));
        ctx.store().joinGroup(groupId, self);
        ctx.deliverer().sync(self); // the outbox learns where the user starts in the group
        JsonObject reply = r.okReply();
        reply.addProperty("groupid", groupId);
        reply.addProperty("groupname", g.name());
        r.reply(reply);
    }
}
