package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.User;

/** msgid 7: {"friendid"} → mutual friendship; {"msgid":13,"friendid","name","state"}. Idempotent. */
final class AddFriendHandler implements MessageHandler {
    private final ChatContext ctx;

    AddFriendHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        long self = r.userId();
        long friend = Fields.id(r.body(), "friendid");
        if (friend == self) {
            throw new ChatException(Errno.INVALID_REQUEST, "you cannot add yourself as a friend");
        }
        User u = ctx.store().user(friend)
                .orElseThrow(() -> new ChatException(Errno.NO_SUCH_USER, "no user with id " + friend));
        ctx.store().addFriend(self, friend);
        JsonObject reply = r.okReply();
        reply.addProperty("friendid", friend);
        reply.addProperty("name", u.name());
        reply.addProperty("state", ChatContext.state(ctx.online(java.util.List.of(friend)), friend));
        r.reply(reply);
    }
}
