package dev.clusterchat.chatd;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.testsupport.TrickyText;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client of docs/PROTOCOL.md "Reliable delivery" on a thread of its own, for chaos tests: it logs
 * in with {@code "ack":true} (on either node, retrying while the account is still held by a
 * dead connection or node), syncs from the positions it has until {@code "more":false}, takes each
 * timeline's messages in seq order ({@link Timeline}), acknowledges them cumulatively with 22, and
 * sends chat messages one at a time, each with its own {@code cmid}, sent again under the same
 * cmid after an errno 13, a timeout or a lost connection until a reply names its {@code msgno}.
 * Everything it sends, is told and takes goes to the {@link ChaosLedger}.
 *
 * <p>One class of about 500 lines because login, sync, sending, acknowledging and the final check
 * share one connection's state; what stands alone is in {@link AckLogin}, {@link Timeline},
 * {@link RequestTrace} and {@link ChaosLedger}.
 *
 * <p>Thread safety: the public methods are thread-safe; they ask, the chatter's thread acts.
 */
final class ReliableChatter implements Timeline.Sink {
    private static final int TRY_AGAIN = Errno.SERVER_ERROR.code();
    private static final int SLOW_DOWN = Errno.BUSY.code();
    private static final long REPLY_TIMEOUT_MILLIS = 3000;
    private static final int ACK_EVERY = 20;
    private static final long ACK_MILLIS = 200;
    private static final int[] SYNC_LIMITS = {7, 50, 100, 1000};

    /** How the chaos drops a connection: now, or right after the next chat request is written. */
    enum Drop { NOW, AFTER_NEXT_SEND }

    private final String name;
    private final long userId;
    private final long groupId;
    private final List<Long> peers;
    private final int[] ports;
    private final int home;
    private final Random rng;
    private final ChaosLedger ledger;
    private final Thread thread;

    private final AtomicReference<Drop> dropRequest = new AtomicReference<>();
    private final AtomicBoolean reconnectRequest = new AtomicBoolean();
    private volatile boolean sending = true;
    private volatile boolean finishing;
    private volatile boolean abandoned;
    private volatile boolean live;
    private volatile boolean idle;
    private volatile boolean done;
    private volatile int logins;
    private volatile Throwable failure;
    private final Map<Long, Long> positions = new ConcurrentHashMap<>();

    // the chatter's thread only
    private ReaderConnection conn;
    private int port;
    private final Map<Long, Timeline> timelines = new TreeMap<>();
    private ChaosLedger.Sent pending;
    private boolean awaitingReply;
    private long sentAt;
    private long resendAt;
    private long syncSentAt;
    private boolean dropAfterSend;
    private int messages;
    private long nextSendAt;
    private int unacked;
    private long lastAckAt;
    /** 0 chatting, 1 the final ack is sent, 2 logging in again to see the server kept it. */
    private int finalStage;
    private long finalAckAt;
    private long finalAckSeq;
    private final RequestTrace trace = new RequestTrace();
    private boolean traced;

    /**
     * A chatter for user {@code userId} (password "pw"), member of {@code groupId}, writing to the
     * group and to {@code peers}; {@code ports} are the nodes' ports, {@code home} the index of the
     * one it prefers.
     */
    ReliableChatter(String name, long userId, long groupId, List<Long> peers, int[] ports, int home, long seed, ChaosLedger ledger) {
        this.name = name;
        this.userId = userId;
        this.groupId = groupId;
        this.peers = List.copyOf(peers);
        this.ports = ports;
        this.home = home;
        this.rng = new Random(seed);
        this.ledger = ledger;
        this.thread = new Thread(this::run, "chatter-" + name);
        this.thread.setDaemon(true);
    }

    ReliableChatter start() {
        thread.start();
        return this;
    }

    /** Thread-safe: drops the connection abruptly (a reset or a close, at random) now or after the next send. */
    void drop(Drop how) {
        dropRequest.set(how);
    }

    /** Thread-safe: closes the connection and logs in again (and syncs). */
    void reconnect() {
        reconnectRequest.set(true);
    }

    /** Thread-safe: no new messages from now on; the one in flight is still sent until answered. */
    void stopSending() {
        sending = false;
    }

    /**
     * Thread-safe: once idle and synced, acknowledges everything, waits for the reply, logs in again
     * to check the server kept the positions, syncs once more and stops.
     */
    void finish() {
        finishing = true;
    }

    /** Thread-safe: synced up (live), and no message waits for its reply. */
    boolean settled() {
        return live && idle;
    }

    /** Thread-safe: the last seq this user has of a timeline (0: its inbox, else a group). */
    long position(long timeline) {
        return positions.getOrDefault(timeline, 0L);
    }

    /** Thread-safe: how many times the chatter has logged in. */
    int logins() {
        return logins;
    }

    boolean done() {
        return done;
    }

    /** The failure that stopped the chatter, or null. */
    Throwable failure() {
        return failure;
    }

    String name() {
        return name;
    }

    long userId() {
        return userId;
    }

    /** Thread-safe: stops the chatter wherever it is and waits for its thread. */
    void abandon() throws InterruptedException {
        abandoned = true;
        thread.join(5000);
    }

    private void run() {
        try {
            while (!done && !abandoned) {
                if (conn == null) {
                    connect();
                    continue;
                }
                JsonObject f = conn.poll(5);
                if (f == ReaderConnection.CLOSED) {
                    trace.event("closed by the server");
                    disconnected();
                } else if (f != null) {
                    handle(f);
                }
                if (conn != null) {
                    tick(millis());
                }
            }
        } catch (Throwable t) {
            if (!abandoned) {
                failure = t;
                ledger.problem(name + " stopped: " + t);
            }
        } finally {
            if (conn != null) {
                conn.close();
            }
            done = true;
        }
    }

    private void connect() throws IOException, InterruptedException {
        long started = millis();
        AckLogin.LoggedIn in = AckLogin.open(ports, rng.nextInt(3) == 0 ? 1 - home : home, userId, REPLY_TIMEOUT_MILLIS,
                () -> abandoned);
        if (in == null) {
            return;
        }
        conn = in.connection();
        port = in.port();
        trace.newConnection();
        trace.event("login on port " + port + ": " + in.reply().get("useq") + " " + in.reply().get("gseqs"));
        ledger.loggedIn(millis() - started);
        loggedIn(in.reply());
        logins++;
    }

    private void loggedIn(JsonObject reply) throws IOException {
        if (reply.has("offlinemsg") && !reply.getAsJsonArray("offlinemsg").isEmpty()) {
            ledger.problem(name + ": an ack login's reply has offlinemsg " + reply.get("offlinemsg"));
        }
        if (!reply.has("useq") || !reply.has("gseqs")) {
            throw new AssertionError(name + ": an ack login's reply has no useq or gseqs: " + reply);
        }
        Map<Long, Long> server = new HashMap<>();
        server.put(0L, reply.get("useq").getAsLong());
        reply.getAsJsonObject("gseqs").entrySet().forEach(e -> server.put(Long.parseLong(e.getKey()), e.getValue().getAsLong()));
        if (timelines.isEmpty()) {
            for (long id : List.of(0L, groupId)) {
                long at = server.getOrDefault(id, -1L);
                if (at != 0) {
                    ledger.problem(name + ": first login, nothing acknowledged yet, but the server has position " + at + " for timeline " + id);
                }
                timelines.put(id, new Timeline(id, 0));
            }
        }
        for (Timeline t : timelines.values()) {
            long at = server.getOrDefault(t.id, -1L);
            if (at > t.last() || (finalStage == 2 && at != t.last())) {
                ledger.problem(name + ": login on port " + port + " says position " + at + " for " + describe(t)
                        + ", the client acknowledged " + t.last() + (finalStage == 2 ? " (all of it, and got 23)" : ""));
            }
            t.reconnected();
            positions.put(t.id, t.last());
        }
        live = false;
        if (pending != null) {
            sendPending(millis()); // before the sync, so its reply (and the seq it names) comes first
        }
        if (conn != null) {
            sync(rng.nextInt(4) == 0); // now and then from the server's positions: redeliveries
        }
    }

    private void handle(JsonObject f) throws IOException {
        int msgid = f.has("msgid") ? f.get("msgid").getAsInt() : -1;
        String overtook = f.has("seq") ? trace.answered(f) : null;
        if (overtook != null) {
            ledger.replyOvertook(name + " on port " + port + ": " + overtook);
        }
        switch (msgid) {
            case MsgId.ONE_CHAT, MsgId.GROUP_CHAT -> {
                if (!live) {
                    ledger.problem(name + ": a live message before the sync said more:false: " + f);
                }
                deliver(f, false);
            }
            case MsgId.ONE_CHAT_ACK, MsgId.GROUP_CHAT_ACK -> sendReply(f);
            case MsgId.SYNC_ACK -> syncReply(f);
            case MsgId.DELIVERED_ACK -> {
                if (errno(f) != 0) {
                    ledger.problem(name + ": delivered ack refused: " + f);
                } else if (finalStage == 1 && f.has("seq") && f.get("seq").getAsLong() == finalAckSeq) {
                    conn.close();
                    disconnected();
                    finalStage = 2;
                }
            }
            default -> ledger.problem(name + ": unexpected frame " + f);
        }
    }

    private void deliver(JsonObject m, boolean inSync) {
        boolean group = m.get("msgid").getAsInt() == MsgId.GROUP_CHAT;
        String seqField = group ? "gseq" : "useq";
        if (!m.has("msgno") || !m.has(seqField)) {
            throw new AssertionError(name + ": a message without msgno or " + seqField + ": " + m);
        }
        long seq = m.get(seqField).getAsLong();
        Timeline t = timelines.get(group ? m.get("groupid").getAsLong() : 0L);
        if (t == null) {
            ledger.problem(name + ": a message of a timeline it is not in: " + m);
            return;
        }
        boolean ownInFlight = pending != null && pending.group() && pending.target() == t.id;
        if (!inSync) {
            trace.event("live " + (group ? "group" : "inbox") + " seq " + seq + " msgno " + m.get("msgno") + " from " + m.get("id"));
        }
        if (group && m.get("id").getAsLong() == userId) {
            if (!inSync) {
                ledger.problem(name + ": received its own group message live: " + m);
            }
            ledger.ownInSync();
            t.own(seq, ownInFlight, this);
        } else {
            t.arrive(seq, m, ownInFlight, this);
        }
        positions.put(t.id, t.last());
    }

    @Override
    public void accepted(Timeline t, long seq, JsonObject message) {
        ledger.delivered(userId, seq, message);
        unacked++;
    }

    @Override
    public void redelivered(Timeline t, long seq) {
        ledger.redelivered();
    }

    @Override
    public void violation(Timeline t, String what) {
        ledger.orderViolation(name + " (user " + userId + ") " + describe(t) + " on port " + port + ": " + what);
        if (!traced) {
            traced = true;
            ledger.trace(name + " (user " + userId + ") before its first order violation (" + what + "):" + trace.recent());
        }
    }

    private static String describe(Timeline t) {
        return t.inbox() ? "inbox" : "group " + t.id;
    }

    private void sendReply(JsonObject r) {
        String cmid = r.has("cmid") ? r.get("cmid").getAsString() : null;
        trace.event("reply " + r.get("msgid") + " to request " + r.get("seq") + ": cmid " + cmid + " errno " + r.get("errno")
                + " useq " + r.get("useq") + " gseq " + r.get("gseq") + (r.has("dup") ? " dup" : ""));
        if (pending == null || !pending.cmid().equals(cmid)) {
            ledger.problem(name + ": a reply that names no message in flight (" + (pending == null ? "none" : pending.cmid()) + "): " + r);
            return;
        }
        awaitingReply = false;
        int errno = errno(r);
        if (errno == TRY_AGAIN || errno == SLOW_DOWN) {
            ledger.serverError();
            resendAt = millis() + 100;
            return;
        }
        String seqField = pending.group() ? "gseq" : "useq";
        if (errno != 0 || !r.has("msgno") || !r.has(seqField) || !r.has("stime")) {
            throw new AssertionError(name + ": unexpected reply to " + pending.describe() + ": " + r);
        }
        long seq = r.get(seqField).getAsLong();
        ledger.replied(cmid, r.get("msgno").getAsLong(), seq, r.get("stime").getAsLong(), r.has("dup") && r.get("dup").getAsBoolean());
        ChaosLedger.Sent s = pending;
        pending = null;
        nextSendAt = millis() + 20 + rng.nextInt(50);
        if (s.group()) {
            Timeline t = timelines.get(s.target());
            t.own(seq, false, this);
            positions.put(t.id, t.last());
        }
    }

    private void sync(boolean fromServerPositions) throws IOException {
        JsonObject req = new JsonObject();
        req.addProperty("msgid", MsgId.SYNC);
        if (!fromServerPositions) {
            addPositions(req);
            timelines.values().forEach(Timeline::resync);
        }
        req.addProperty("limit", SYNC_LIMITS[rng.nextInt(SYNC_LIMITS.length)]);
        syncSentAt = millis();
        request(req);
    }

    private void syncReply(JsonObject r) throws IOException {
        syncSentAt = 0;
        if (errno(r) == TRY_AGAIN) {
            ledger.serverError();
            sync(false);
            return;
        }
        if (errno(r) != 0 || !r.has("msgs") || !r.has("more")) {
            throw new AssertionError(name + ": unexpected sync reply: " + r);
        }
        JsonArray msgs = r.getAsJsonArray("msgs");
        trace.event("sync reply to request " + r.get("seq") + ": " + msgs.size() + " messages " + RequestTrace.seqs(msgs) + ", more " + r.get("more"));
        for (JsonElement m : msgs) {
            deliver(m.getAsJsonObject(), true);
        }
        if (r.get("more").getAsBoolean()) {
            if (msgs.isEmpty()) {
                ledger.problem(name + ": a sync reply with more:true and no messages");
            }
            sync(false);
        } else {
            live = true;
            if (finalStage == 2) {
                done = true;
            }
        }
    }

    private void tick(long now) throws IOException {
        Drop d = dropRequest.getAndSet(null);
        if (d == Drop.NOW) {
            ledger.dropped();
            drop(rng.nextBoolean());
            return;
        }
        dropAfterSend |= d == Drop.AFTER_NEXT_SEND;
        if (reconnectRequest.getAndSet(false)) {
            drop(false);
            return;
        }
        boolean replyLate = awaitingReply && now - sentAt > REPLY_TIMEOUT_MILLIS;
        boolean syncLate = syncSentAt != 0 && now - syncSentAt > REPLY_TIMEOUT_MILLIS;
        boolean ackLate = finalStage == 1 && now - finalAckAt > REPLY_TIMEOUT_MILLIS;
        if (replyLate || syncLate || ackLate) {
            ledger.timedOut(); // slow, not wrong: the protocol promises no latency
            drop(true);
            return;
        }
        if (pending != null) {
            if (!awaitingReply && now >= resendAt) {
                sendPending(now);
            }
        } else if (live && sending && now >= nextSendAt) {
            pending = newMessage();
            sendPending(now);
        } else if (live && !sending && finishing && finalStage == 0) {
            finalAckSeq = ack();
            finalStage = 1;
            finalAckAt = now;
        }
        idle = pending == null;
        if (conn != null && (unacked >= ACK_EVERY || unacked > 0 && now - lastAckAt >= ACK_MILLIS)) {
            ack();
        }
    }

    private ChaosLedger.Sent newMessage() {
        String cmid = name + "-" + ++messages;
        boolean group = rng.nextBoolean();
        long target = group ? groupId : peers.get(rng.nextInt(peers.size()));
        String filler = rng.nextInt(4) == 0 ? TrickyText.ALL.get(rng.nextInt(TrickyText.ALL.size())) : "m".repeat(rng.nextInt(200));
        return new ChaosLedger.Sent(cmid, userId, group, target, cmid + " " + filler);
    }

    private void sendPending(long now) throws IOException {
        ledger.attempt(pending);
        JsonObject req = new JsonObject();
        req.addProperty("msgid", pending.group() ? MsgId.GROUP_CHAT : MsgId.ONE_CHAT);
        req.addProperty(pending.group() ? "groupid" : "toid", pending.target());
        req.addProperty("msg", pending.text());
        req.addProperty("cmid", pending.cmid());
        awaitingReply = true;
        sentAt = now;
        request(req);
        if (dropAfterSend && conn != null) {
            dropAfterSend = false;
            ledger.dropped();
            drop(true);
        }
    }

    /** Sends 22 with every position; returns the request's seq. */
    private long ack() throws IOException {
        JsonObject req = new JsonObject();
        req.addProperty("msgid", MsgId.DELIVERED);
        addPositions(req);
        unacked = 0;
        lastAckAt = millis();
        return request(req);
    }

    private void addPositions(JsonObject req) {
        JsonObject gseqs = new JsonObject();
        timelines.values().stream().filter(t -> !t.inbox()).forEach(t -> gseqs.addProperty(Long.toString(t.id), t.last()));
        req.addProperty("useq", timelines.get(0L).last());
        req.add("gseqs", gseqs);
    }

    /** Sends a request with the next seq of the connection; returns that seq. */
    private long request(JsonObject req) {
        long seq = trace.sending(req);
        try {
            conn.send(req);
        } catch (IOException e) {
            disconnected(); // the reader sees the end too; resend after the next login
        }
        return seq;
    }

    private void drop(boolean reset) {
        trace.event(reset ? "drop (reset)" : "drop (close)");
        if (reset) {
            conn.abort();
        } else {
            conn.close();
        }
        disconnected();
    }

    private void disconnected() {
        if (conn != null) {
            conn.close();
        }
        conn = null;
        live = false;
        awaitingReply = false;
        resendAt = 0;
        syncSentAt = 0;
        if (finalStage == 1) {
            finalStage = 0;
        }
    }

    private static int errno(JsonObject reply) {
        return reply.has("errno") ? reply.get("errno").getAsInt() : -1;
    }

    private static long millis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
