package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.proto.MsgId;

import java.util.ArrayList;
import java.util.List;

/**
 * msgid 10: {"groupid","msg","time"?} → every other member gets {"msgid":10,"id","name","groupid",
 * "msg","time"}, live or at its next login; the sender gets {"msgid":16,"recipients":N}.
 */
final class GroupChatHandler implements MessageHandler {
    private final ChatContext ctx;

    GroupChatHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        long from = r.userId();
        long groupId = Fields.id(r.body(), "groupid");
        String msg = Fields.text(r.body(), "msg", ctx.limits().maxMessageLength());
        String time = Fields.optionalText(r.body(), "time", 64, null);
        List<Long> members = ctx.store().groupMemberIds(groupId);
        if (members.isEmpty()) {
            throw new ChatException(Errno.NO_SUCH_GROUP, "no group with id " + groupId);
        }
        if (!members.contains(from)) {
            throw new ChatException(Errno.NOT_A_MEMBER, "you are not a member of group " + groupId);
        }
        JsonObject m = new JsonObject();
        m.addProperty("msgid", MsgId.GROUP_CHAT);
        m.addProperty("id", from);
        m.addProperty("name", r.session().name());
        m.addProperty("groupid", groupId);
        m.addProperty("msg", msg);
        m.addProperty("time", time == null ? ChatContext.now() : time);
        List<Long> recipients = new ArrayList<>(members.size());
        for (long id : members) {
            if (id != from) {
                recipients.add(id);
            }
        }
        ctx.deliverer().deliver(recipients, Deliverer.Outgoing.of(m));
        JsonObject reply = r.okReply();
        reply.addProperty("recipients", recipients.size());
        r.reply(reply);
    }
}
