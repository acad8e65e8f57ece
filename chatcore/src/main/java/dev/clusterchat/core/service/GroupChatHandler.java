package dev.clusterchat.core.service;

import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.NewMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * msgid 10: {"groupid","msg","time"?,"cmid"?} → stored in the group's log, then the sender gets
 * {"msgid":16,"recipients":N,"msgno","gseq","stime"} and every other member {"msgid":10,"id","name",
 * "groupid","msg","time","msgno","gseq","stime"}, live or from the store later.
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
        String time = Sending.time(r);
        List<Long> members = ctx.store().groupMemberIds(groupId);
        if (members.isEmpty()) {
            throw new ChatException(Errno.NO_SUCH_GROUP, "no group with id " + groupId);
        }
        if (!members.contains(from)) {
            throw new ChatException(Errno.NOT_A_MEMBER, "you are not a member of group " + groupId);
        }
        List<Long> recipients = new ArrayList<>(members.size());
        for (long id : members) {
            if (id != from) {
                recipients.add(id);
            }
        }
        Sending.send(ctx, r, NewMessage.group(from, r.session().name(), groupId, Sending.cmid(r), msg, time),
                recipients, ok -> ok.append(",\"recipients\":").append(recipients.size()));
    }
}
