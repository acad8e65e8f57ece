package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.proto.MsgId;

/**
 * msgid 6: {"toid","msg","time"?} → the recipient gets {"msgid":6,"id","name","toid","msg","time"}
 * with the sender's real id and name, live or at its next login; the sender gets {"msgid":12}.
 */
final class OneChatHandler implements MessageHandler {
    private final ChatContext ctx;

    OneChatHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        long from = r.userId();
        long to = Fields.id(r.body(), "toid");
        String msg = Fields.text(r.body(), "msg", ctx.limits().maxMessageLength());
        String time = Fields.optionalText(r.body(), "time", 64, null);
        if (!ctx.sessions().isOnline(to) && !ctx.knownUsers().contains(to)) {
            if (ctx.store().findUser(to).isEmpty()) {
                throw new ChatException(Errno.NO_SUCH_USER, "no user with id " + to);
            }
            ctx.knownUsers().add(to); // users are never deleted: no need to ask again
        }
        JsonObject m = new JsonObject();
        m.addProperty("msgid", MsgId.ONE_CHAT);
        m.addProperty("id", from);
        m.addProperty("name", r.session().name());
        m.addProperty("toid", to);
        m.addProperty("msg", msg);
        m.addProperty("time", time == null ? ChatContext.now() : time);
        ctx.deliverer().deliver(to, Deliverer.Outgoing.of(m));
        r.ok();
    }
}
