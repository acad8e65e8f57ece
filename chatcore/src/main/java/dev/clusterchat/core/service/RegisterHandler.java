package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.NameTakenException;

/** msgid 4: {"name","password"} → {"msgid":5,"errno":0,"id":N}. Stateless. */
final class RegisterHandler implements MessageHandler {
    private final ChatContext ctx;

    RegisterHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        String name = Fields.name(r.body(), "name", ctx.limits().maxNameLength());
        String password = Fields.text(r.body(), "password", ctx.limits().maxPasswordLength());
        long id;
        try {
            id = ctx.store().createUser(name, ctx.hasher().hash(password));
            ctx.knownUsers().add(id);
        } catch (NameTakenException e) {
            throw new ChatException(Errno.NAME_TAKEN, "name '" + name + "' is already taken");
        }
        JsonObject reply = r.okReply();
        reply.addProperty("id", id);
        r.reply(reply);
    }
}
