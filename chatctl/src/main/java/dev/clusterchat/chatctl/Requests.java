package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;

/** The request frames of protocol v1 (the client adds seq when sending). */
final class Requests {
    static final int LOGIN = 1;
    static final int LOGOUT = 3;
    static final int REGISTER = 4;
    static final int ONE_CHAT = 6;
    static final int ADD_FRIEND = 7;
    static final int CREATE_GROUP = 8;
    static final int ADD_GROUP = 9;
    static final int GROUP_CHAT = 10;
    static final int PING = 18;
    static final int SYNC = 20;
    static final int SYNC_ACK = 21;
    static final int DELIVERED = 22;
    static final int HISTORY = 24;

    private Requests() {
    }

    static JsonObject login(long id, String password) {
        JsonObject r = of(LOGIN);
        r.addProperty("id", id);
        r.addProperty("password", password);
        return r;
    }

    /** A login as an acknowledging client: nothing is delivered until a sync (msgid 20). */
    static JsonObject ackLogin(long id, String password) {
        JsonObject r = login(id, password);
        r.addProperty("ack", true);
        return r;
    }

    static JsonObject register(String name, String password) {
        JsonObject r = of(REGISTER);
        r.addProperty("name", name);
        r.addProperty("password", password);
        return r;
    }

    static JsonObject logout() {
        return of(LOGOUT);
    }

    /** A one-to-one message; {@code cmid} is its idempotency key (a resend with it is stored once). */
    static JsonObject chat(long to, String msg, String cmid) {
        JsonObject r = of(ONE_CHAT);
        r.addProperty("toid", to);
        r.addProperty("msg", msg);
        r.addProperty("cmid", cmid);
        return r;
    }

    static JsonObject addFriend(long friendId) {
        JsonObject r = of(ADD_FRIEND);
        r.addProperty("friendid", friendId);
        return r;
    }

    static JsonObject createGroup(String name, String desc) {
        JsonObject r = of(CREATE_GROUP);
        r.addProperty("groupname", name);
        r.addProperty("groupdesc", desc);
        return r;
    }

    static JsonObject joinGroup(long groupId) {
        JsonObject r = of(ADD_GROUP);
        r.addProperty("groupid", groupId);
        return r;
    }

    static JsonObject groupChat(long groupId, String msg, String cmid) {
        JsonObject r = of(GROUP_CHAT);
        r.addProperty("groupid", groupId);
        r.addProperty("msg", msg);
        r.addProperty("cmid", cmid);
        return r;
    }

    /** The messages after {@code from}, at most {@code limit}. */
    static JsonObject sync(Positions from, int limit) {
        JsonObject r = of(SYNC);
        from.writeTo(r);
        r.addProperty("limit", limit);
        return r;
    }

    /** Everything up to {@code reached} has been received (cumulative). */
    static JsonObject delivered(Positions reached) {
        JsonObject r = of(DELIVERED);
        reached.writeTo(r);
        return r;
    }

    /**
     * A page of past messages, newest first.
     *
     * @param field  "peer" (a one-to-one conversation) or "groupid"
     * @param before the page holds messages below this msgno; 0 for the newest
     */
    static JsonObject history(String field, long id, long before, int limit) {
        JsonObject r = of(HISTORY);
        r.addProperty(field, id);
        if (before > 0) {
            r.addProperty("before", before);
        }
        r.addProperty("limit", limit);
        return r;
    }

    static JsonObject ping() {
        return of(PING);
    }

    private static JsonObject of(int msgid) {
        JsonObject r = new JsonObject();
        r.addProperty("msgid", msgid);
        return r;
    }
}
