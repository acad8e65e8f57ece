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

    private Requests() {
    }

    static JsonObject login(long id, String password) {
        JsonObject r = of(LOGIN);
        r.addProperty("id", id);
        r.addProperty("password", password);
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

    static JsonObject chat(long to, String msg) {
        JsonObject r = of(ONE_CHAT);
        r.addProperty("toid", to);
        r.addProperty("msg", msg);
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

    static JsonObject groupChat(long groupId, String msg) {
        JsonObject r = of(GROUP_CHAT);
        r.addProperty("groupid", groupId);
        r.addProperty("msg", msg);
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
