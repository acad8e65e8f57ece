package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.NameTakenException;

/** msgid 8: {"groupname","groupdesc"?} → the caller is its creator; {"msgid":14,"groupid"}. */
final class CreateGroupHandler implements MessageHandler {
    private final ChatContext ctx;

    CreateGroupHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        long self = r.userId();
        String name = Fields.name(r.body(), "groupname", ctx.limits().maxNameLength());
        String desc = Fields.optionalText(r.body(), "groupdesc", ctx.limits().maxDescriptionLength(), "");
        long id;
        try {
            id = ctx.store().createGroup(name, desc, self);
            ctx.deliverer().sync(self); // the outbox learns the new group
        } catch (NameTakenException e) {
            throw new ChatException(Errno.NAME_TAKEN, "group name '" + name + "' is already taken");
        }
        JsonObject reply = r.okReply();
        reply.addProperty("groupid", id);
        reply.addProperty("groupname", name);
        r.reply(reply);
    }
}
