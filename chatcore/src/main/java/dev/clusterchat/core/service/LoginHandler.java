package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.clusterchat.core.cluster.ClusterUnavailableException;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.Fields;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.Member;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/**
 * msgid 1: {"id","password","ack"?} → {"msgid":2,"errno":0,"id","name","friends","groups","offlinemsg"}.
 * A legacy peer gets the seed's shape: each list element a JSON string, empty lists left out. The
 * user's outbox starts at its acknowledged positions: a client that acknowledges ({@code "ack":true})
 * gets them as {@code "useq"} and {@code "gseqs"} and syncs itself; any other gets the first
 * undelivered messages in the reply and the rest right after it.
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
        boolean acking = Fields.flag(r.body(), "ack");
        // everything that may fail comes before the claim
        List<User> friends = ctx.store().friends(id);
        List<GroupWithMembers> groups = ctx.store().groupsOf(id);
        ctx.locks().with(id, () -> {
            claim(r, session, id, user.name());
            return null;
        });
        try {
            // read after the claim: a logout elsewhere has written its final positions by now
            List<Cursor> cursors = ctx.store().cursors(id);
            Map<Long, Long> start = new HashMap<>();
            Map<Long, Long> last = new HashMap<>();
            Map<Long, Long> unread = new HashMap<>();
            for (Cursor c : cursors) {
                start.put(c.timeline(), c.acked());
                last.put(c.timeline(), c.last());
                if (c.pending()) {
                    unread.put(c.timeline(), c.acked());
                }
            }
            boolean legacy = r.legacy();
            int maxBytes = legacy ? SEED_RECV_BUFFER - 1 : maxReplyBytes;
            Backlog.Page page = acking || unread.isEmpty() ? null : Backlog.read(ctx.store(), id, unread, PAGE, maxBytes);
            Set<Long> ids = new HashSet<>();
            friends.forEach(f -> ids.add(f.id()));
            groups.forEach(g -> g.members().forEach(m -> ids.add(m.id())));
            ids.remove(id);
            Set<Long> online = ctx.online(ids);
            online.add(id);
            JsonObject reply = r.okReply();
            reply.addProperty("id", id);
            reply.addProperty("name", user.name());
            put(reply, "friends", friendsJson(friends, online), legacy);
            put(reply, "groups", groupsJson(groups, online, legacy), legacy);
            Outbox outbox = new Outbox(r.connection(), id, acking, start, ctx.store(), ctx.workers(),
                    ctx.maxPageBytes(), ctx.autoAcks()::advanced, () -> ctx.workers().execute(() -> ctx.deliverer().sync(id)));
            if (!acking) {
                ctx.autoAcks().started(outbox, start);
            }
            session.outbox(outbox);
            // anything committed between the cursor read and now reaches the outbox this way
            ctx.workers().execute(() -> ctx.deliverer().sync(id));
            ctx.telemetry().loggedIn(r.connection(), id);
            if (acking) {
                put(reply, "offlinemsg", new JsonArray(), false);
                Messages.putPositions(reply, start);
                r.replyInLoop(reply, frame -> session.connection().sendEncoded(frame));
                return;
            }
            List<Messages.Outgoing> taken = page == null ? List.of() : page.messages();
            int shown = fit(reply, id, taken, maxBytes, legacy);
            boolean more = shown < taken.size() || (page != null && page.more());
            if (more && !legacy) {
                reply.addProperty("offlinemore", true);
            }
            Map<Long, Long> reached = new HashMap<>();
            for (Messages.Outgoing m : taken.subList(0, shown)) {
                reached.put(m.timeline(), m.seq());
            }
            // the rest follows the reply at once; if the reply never leaves, nothing counts as delivered
            r.replyInLoop(reply, frame -> {
                if (!session.connection().isOpen()) {
                    return;
                }
                session.connection().sendEncoded(frame);
                if (legacy) { // the seed client reads its login reply alone, then starts its reader
                    session.connection().loop().schedule(LEGACY_PAUSE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS,
                            () -> outbox.goLive(reached, last));
                } else {
                    outbox.goLive(reached, last);
                }
            });
        } catch (RuntimeException | Error e) {
            LogoutHandler.logout(ctx, session);
            throw e;
        }
    }

    private static final int PAGE = 200;
    /**
     * The seed client reads its login reply with one {@code recv} and parses only the first frame
     * in it: messages right behind the reply would be lost on its side.
     */
    private static final long LEGACY_PAUSE_MILLIS = 250;

    /** Holding the user's lock: claim it here and in the cluster. */
    private void claim(Request r, Session session, long id, String name) {
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
    }

    /**
     * Puts into the reply as many of the offline messages (in msgno order; the user's own group
     * messages are never shown) as keep it within {@code maxBytes}, and returns how many of
     * {@code taken} that covers: the rest is sent right after the reply. The seed client reads its
     * login reply with one {@code recv} into 1,024 bytes and crashes on a longer one; any client's
     * reply must stay well under the output high-water mark. A modern reply always makes progress.
     */
    private static int fit(JsonObject reply, long id, List<Messages.Outgoing> taken, int maxBytes, boolean legacy) {
        int lo = legacy ? 0 : Math.min(1, taken.size());
        int hi = taken.size(); // the largest count that fits is in [lo, hi]
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (utf8Length(withOffline(reply, id, taken.subList(0, mid), legacy)) <= maxBytes) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        JsonObject fitted = withOffline(reply, id, taken.subList(0, lo), legacy);
        if (fitted.has("offlinemsg")) {
            reply.add("offlinemsg", fitted.get("offlinemsg"));
        }
        return lo;
    }

    private static JsonObject withOffline(JsonObject reply, long id, List<Messages.Outgoing> offline, boolean legacy) {
        JsonObject copy = reply.deepCopy();
        copy.remove("offlinemsg");
        put(copy, "offlinemsg", offlineJson(offline, id, legacy), legacy);
        return copy;
    }

    private static final int SEED_RECV_BUFFER = 1024;

    private static int utf8Length(JsonObject o) {
        return JsonText.encode(o).length;
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

    private static JsonArray offlineJson(List<Messages.Outgoing> offline, long id, boolean legacy) {
        JsonArray a = new JsonArray(offline.size());
        for (Messages.Outgoing m : offline) {
            if (Backlog.own(m.message(), id)) {
                continue;
            }
            if (legacy) {
                a.add(m.json());
            } else {
                a.add(Messages.toJson(m.message()));
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
