package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.core.cluster.ClusterUnavailableException;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.Member;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * msgid 1: {"id","password"} → {"msgid":2,"errno":0,"id","name","friends","groups","offlinemsg"}.
 * A legacy peer gets the seed's shape: each list element a JSON string, empty lists left out.
 */
final class LoginHandler implements MessageHandler {
    private final ChatContext ctx;
    private final int maxReplyBytes;

    /** @param maxReplyBytes offline messages that would make a login reply longer wait for the next login */
    LoginHandler(ChatContext ctx, int maxReplyBytes) {
        this.ctx = ctx;
        this.maxReplyBytes = maxReplyBytes;
    }

    @Override
    public void handle(Request r) {
        Session session = r.session();
        long id = Fields.id(r.body(), "id");
        String password = Fields.text(r.body(), "password", ctx.limits().maxPasswordLength());
        if (session.loggedIn()) {
            if (session.userId() == id) {
                throw new ChatException(Errno.ACCOUNT_IN_USE);
            }
            throw new ChatException(Errno.ALREADY_LOGGED_IN);
        }
        java.net.InetAddress address = session.clientAddress() == null ? null : session.clientAddress().getAddress();
        java.time.Duration refused = ctx.loginThrottle().refusedFor(id, address);
        if (refused != null) {
            throw new ChatException(Errno.LOGIN_THROTTLED, "too many failed logins; try again in "
                    + Math.max(1, (refused.toMillis() + 999) / 1000) + " s");
        }
        Optional<UserRecord> found = ctx.store().findUser(id);
        if (found.isEmpty()) {
            ctx.hasher().verifyDummy(password);
            ctx.loginThrottle().failed(id, address);
            throw new ChatException(Errno.AUTH_FAILED);
        }
        UserRecord user = found.get();
        if (!ctx.hasher().verify(password, user.password())) {
            ctx.loginThrottle().failed(id, address);
            throw new ChatException(Errno.AUTH_FAILED);
        }
        ctx.loginThrottle().succeeded(id);
        ctx.knownUsers().add(id);
        // everything that may fail comes before the claim, except taking the offline messages
        List<User> friends = ctx.store().friends(id);
        List<GroupWithMembers> groups = ctx.store().groupsOf(id);
        List<String> offline = ctx.locks().with(id, () -> claimAndTake(r, session, id, user.name()));
        List<String> notShown = new java.util.ArrayList<>(offline); // what must go back if this fails
        try {
            Set<Long> ids = new HashSet<>();
            friends.forEach(f -> ids.add(f.id()));
            groups.forEach(g -> g.members().forEach(m -> ids.add(m.id())));
            ids.remove(id);
            Set<Long> online = ctx.online(ids);
            online.add(id);
            boolean legacy = r.legacy();
            JsonObject reply = r.okReply();
            reply.addProperty("id", id);
            reply.addProperty("name", user.name());
            put(reply, "friends", friendsJson(friends, online), legacy);
            put(reply, "groups", groupsJson(groups, online, legacy), legacy);
            put(reply, "offlinemsg", offlineJson(offline, legacy), legacy);
            List<String> shown = fit(reply, id, offline, legacy ? SEED_RECV_BUFFER - 1 : maxReplyBytes, legacy, notShown);
            // if the connection is gone before the reply leaves, the messages go back, in order
            r.replyLogin(reply, () -> ctx.workers().execute(() -> putBackFirst(id, shown)));
        } catch (RuntimeException | Error e) {
            LogoutHandler.logout(ctx, session);
            putBack(id, notShown);
            throw e;
        }
    }

    /** Holding the user's lock: claim it here and in the cluster, then take its offline messages. */
    private List<String> claimAndTake(Request r, Session session, long id, String name) {
        if (!r.connection().isOpen()) {
            throw new ChatException(Errno.SERVER_ERROR, "connection closed during login");
        }
        if (!ctx.sessions().claim(id, session)) {
            throw new ChatException(Errno.ACCOUNT_IN_USE);
        }
        String holder;
        try {
            holder = ctx.cluster().claim(id);
        } catch (ClusterUnavailableException e) {
            ctx.sessions().release(id, session);
            throw new ChatException(Errno.SERVER_ERROR, "presence service unavailable, try again later");
        }
        if (holder != null) {
            ctx.sessions().release(id, session);
            throw new ChatException(Errno.ACCOUNT_IN_USE);
        }
        session.login(id, name);
        try {
            return ctx.store().takeOffline(id);
        } catch (RuntimeException e) {
            LogoutHandler.logout(ctx, session);
            throw e;
        }
    }

    /**
     * The login reply never left: its offline messages go back ahead of those stored after them
     * (the part that did not fit), so the order holds.
     */
    private void putBackFirst(long id, List<String> shown) {
        ctx.locks().with(id, () -> {
            List<String> all = new java.util.ArrayList<>(shown);
            all.addAll(ctx.store().takeOffline(id));
            putBack(id, all);
            return null;
        });
    }

    /** Offline messages that were taken but not shown: delivered again (stored, or live if the user is back). */
    private void putBack(long id, List<String> messages) {
        for (String m : messages) {
            ctx.deliverer().deliverAfterAck(List.of(id), Deliverer.Outgoing.of(m));
        }
    }

    /**
     * Keeps a login reply within {@code maxBytes}: offline messages that would push it past are kept
     * for the next login instead (the user is online now, so nothing new is stored meanwhile and
     * their order holds), and a modern reply says so with {@code "offlinemore":true}. The seed client
     * reads its login reply with one {@code recv} into 1,024 bytes and crashes on a longer one; any
     * client's reply must stay well under the output high-water mark.
     */
    private List<String> fit(JsonObject reply, long id, List<String> offline, int maxBytes, boolean legacy,
                             List<String> notStored) {
        if (utf8Length(reply) <= maxBytes) {
            return offline;
        }
        int lo = legacy ? 0 : Math.min(1, offline.size()); // a modern reply always makes progress
        int hi = offline.size() - 1; // the largest count that fits is in [lo, hi]
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (utf8Length(withOffline(reply, offline.subList(0, mid), legacy)) <= maxBytes) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int keep = lo;
        if (keep == offline.size()) {
            return offline; // the rest of the reply is what is large
        }
        JsonObject fitted = withOffline(reply, offline.subList(0, keep), legacy);
        reply.remove("offlinemsg");
        if (fitted.has("offlinemsg")) {
            reply.add("offlinemsg", fitted.get("offlinemsg"));
        }
        if (!legacy) {
            reply.addProperty("offlinemore", true);
        }
        List<String> later = List.copyOf(offline.subList(keep, offline.size()));
        ctx.locks().with(id, () -> {
            for (String m : later) {
                ctx.store().storeOffline(id, m);
                notStored.remove(keep); // notStored is shown + the later ones not stored yet
            }
            return null;
        });
        return List.copyOf(offline.subList(0, keep));
    }

    private static JsonObject withOffline(JsonObject reply, List<String> offline, boolean legacy) {
        JsonObject copy = reply.deepCopy();
        copy.remove("offlinemsg");
        put(copy, "offlinemsg", offlineJson(offline, legacy), legacy);
        return copy;
    }

    private static final int SEED_RECV_BUFFER = 1024;

    private static int utf8Length(JsonObject o) {
        return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static JsonArray friendsJson(List<User> friends, Set<Long> online) {
        JsonArray a = new JsonArray(friends.size());
        for (User f : friends) {
            JsonObject o = new JsonObject();
            o.addProperty("id", f.id());
            o.addProperty("name", f.name());
            o.addProperty("state", ChatContext.state(online, f.id()));
            a.add(o);
        }
        return a;
    }

    private static JsonArray groupsJson(List<GroupWithMembers> groups, Set<Long> online, boolean legacy) {
        JsonArray a = new JsonArray(groups.size());
        for (GroupWithMembers g : groups) {
            JsonObject o = new JsonObject();
            o.addProperty("id", g.group().id());
            o.addProperty("groupname", g.group().name());
            o.addProperty("groupdesc", g.group().description());
            JsonArray users = new JsonArray(g.members().size());
            for (Member m : g.members()) {
                JsonObject u = new JsonObject();
                u.addProperty("id", m.id());
                u.addProperty("name", m.name());
                u.addProperty("state", ChatContext.state(online, m.id()));
                u.addProperty("role", m.role().wire());
                users.add(u);
            }
            put(o, "users", users, legacy);
            a.add(o);
        }
        return a;
    }

    private static JsonArray offlineJson(List<String> offline, boolean legacy) {
        JsonArray a = new JsonArray(offline.size());
        for (String m : offline) {
            if (legacy) {
                a.add(m);
            } else {
                a.add(JsonParser.parseString(m));
            }
        }
        return a;
    }

    /**
     * Modern peers get the array as is. Legacy peers get each element as a JSON string, and no key
     * at all for an empty list (the seed server's shape).
     */
    private static void put(JsonObject target, String key, JsonArray array, boolean legacy) {
        if (!legacy) {
            target.add(key, array);
            return;
        }
        if (array.isEmpty()) {
            return;
        }
        JsonArray strings = new JsonArray(array.size());
        for (JsonElement e : array) {
            strings.add(e.isJsonPrimitive() ? e.getAsString() : e.toString());
        }
        target.add(key, strings);
    }
}
