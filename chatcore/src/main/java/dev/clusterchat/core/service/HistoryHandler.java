package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.StoredMessage;

import java.util.List;

/**
 * msgid 24: {"peer"|"groupid","before"?,"limit"?} → {"msgid":25,"errno":0,"msgs":[newest first],"more"}:
 * past messages of a one-to-one conversation (both directions) or of a group the caller is in.
 */
final class HistoryHandler implements MessageHandler {
    static final int DEFAULT_LIMIT = 50;

    private final ChatContext ctx;

    HistoryHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        long self = r.userId();
        boolean group = r.body().has("groupid");
        if (group == r.body().has("peer")) {
            throw new ChatException(Errno.INVALID_REQUEST, "give exactly one of 'peer' and 'groupid'");
        }
        long before = Fields.optionalNumber(r.body(), "before", 0, Long.MAX_VALUE, 0);
        int limit = (int) Fields.optionalNumber(r.body(), "limit", 1, SyncHandler.MAX_LIMIT, DEFAULT_LIMIT);
        List<StoredMessage> found;
        if (group) {
            long groupId = Fields.id(r.body(), "groupid");
            if (!ctx.store().isMember(groupId, self)) {
                if (ctx.store().findGroup(groupId).isEmpty()) {
                    throw new ChatException(Errno.NO_SUCH_GROUP, "no group with id " + groupId);
                }
                throw new ChatException(Errno.NOT_A_MEMBER, "you are not a member of group " + groupId);
            }
            found = ctx.store().groupHistory(groupId, before, limit + 1);
        } else {
            long peer = Fields.id(r.body(), "peer");
            if (!ctx.knownUsers().contains(peer)) {
                if (ctx.store().findUser(peer).isEmpty()) {
                    throw new ChatException(Errno.NO_SUCH_USER, "no user with id " + peer);
                }
                ctx.knownUsers().add(peer);
            }
            found = ctx.store().conversation(self, peer, before, limit + 1);
        }
        JsonArray msgs = new JsonArray();
        int bytes = 0;
        boolean more = found.size() > limit;
        for (StoredMessage m : found.subList(0, Math.min(limit, found.size()))) {
            JsonObject o = Messages.toJson(m);
            bytes += JsonText.encode(o).length + 1;
            if (!msgs.isEmpty() && bytes > ctx.maxPageBytes()) { // within a quarter of the high-water mark
                more = true;
                break;
            }
            msgs.add(o);
        }
        JsonObject reply = r.okReply();
        reply.add("msgs", msgs);
        reply.addProperty("more", more);
        r.reply(reply);
    }
}
