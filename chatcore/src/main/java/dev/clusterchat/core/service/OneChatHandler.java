package dev.clusterchat.core.service;

import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.NewMessage;

/**
 * msgid 6: {"toid","msg","time"?,"cmid"?} → stored, then the sender gets {"msgid":12,"msgno","useq",
 * "stime"} and the recipient {"msgid":6,"id","name","toid","msg","time","msgno","useq","stime"} with
 * the sender's real id and name, live or from the store later.
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
        String time = Sending.time(r);
        if (!ctx.sessions().isOnline(to) && !ctx.knownUsers().contains(to)) {
            if (ctx.store().findUser(to).isEmpty()) {
                throw new ChatException(Errno.NO_SUCH_USER, "no user with id " + to);
            }
            ctx.knownUsers().add(to); // users are never deleted: no need to ask again
        }
        Sending.send(ctx, r, NewMessage.direct(from, r.session().name(), to, Sending.cmid(r), msg, time),
                java.util.List.of(to), ok -> { });
    }
}
