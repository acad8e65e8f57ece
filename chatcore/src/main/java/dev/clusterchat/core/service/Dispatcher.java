package dev.clusterchat.core.service;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.Strictness;
import dev.clusterchat.core.cluster.ClusterUnavailableException;
import dev.clusterchat.core.net.Connection;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.net.FrameError;
import dev.clusterchat.core.net.FrameHandler;
import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.Errno;
import dev.clusterchat.core.proto.MsgId;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns frames into requests and routes them by msgid: parse (on the loop), check login, then run
 * the handler in the connection's serial queue on the worker pool. The table is built once and
 * frozen; unknown ids go to the default handler. A handler's exception never reaches the loop: it
 * becomes an error reply on that one connection.
 *
 * <p>Thread safety: immutable after {@link Builder#build()}; callbacks run on loop threads.
 */
public final class Dispatcher implements FrameHandler {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

    /** How a route runs. */
    public enum Mode {
        /** In the connection's serial queue on the worker pool (may block). */
        SERIAL,
        /** On the loop thread, at once (must not block; e.g. ping). */
        LOOP
    }

    private record Route(MessageHandler handler, boolean requiresLogin, Mode mode) {
    }

    private final Map<Integer, Route> routes;
    private final Route fallback;
    private final Executor workers;
    private final int maxQueuedPerConnection;
    private final Consumer<Session> onDisconnect;
    private final AbuseLimits abuse;
    private final java.util.Set<java.net.InetAddress> trustedProxies;
    private final byte[] serverFull;
    private final Telemetry telemetry;

    private Dispatcher(Builder b) {
        this.telemetry = b.telemetry;
        this.abuse = b.abuse;
        this.trustedProxies = java.util.Set.copyOf(b.trustedProxies);
        this.serverFull = JsonText.encode(Request.errorReply(MsgId.ERROR, Errno.SERVER_FULL, Errno.SERVER_FULL.message(),
                null));
        this.routes = Map.copyOf(b.routes);
        this.fallback = new Route(b.fallback, false, Mode.LOOP);
        this.workers = b.workers;
        this.maxQueuedPerConnection = b.maxQueuedPerConnection;
        this.onDisconnect = b.onDisconnect;
    }

    public static Builder builder(Executor workers) {
        return new Builder(workers);
    }

    @Override
    public void onOpen(Connection c) {
        Session session = new Session(c, new SerialExecutor(workers, maxQueuedPerConnection));
        session.rate(RateGuard.of(abuse, System.nanoTime()));
        c.attach(session);
        telemetry.opened(c);
        if (!abuse.loginTimeout().isZero()) {
            session.loginTimer(c.loop().schedule(abuse.loginTimeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS, () -> {
                if (c.isOpen() && !session.everLoggedIn()) {
                    sendError(c, MsgId.ERROR, Errno.LOGIN_TIMEOUT, "not logged in within "
                            + abuse.loginTimeout().toSeconds() + " s; closing the connection", null);
                    c.close();
                }
            }));
        }
    }

    @Override
    public void onFrame(Connection c, String frame) {
        Session session = (Session) c.attachment();
        if (session.firstFrame() && ProxyHeader.isHeader(frame) && trustedProxy(c)) {
            acceptProxyHeader(c, session, frame);
            return;
        }
        RateGuard.Verdict verdict = session.rate() == null ? RateGuard.Verdict.PASS : session.rate().check(System.nanoTime());
        JsonObject body;
        try {
            body = parse(frame);
        } catch (ChatException e) {
            sendError(c, MsgId.ERROR, e.errno(), e.getMessage(), null);
            closeIfAbusive(c, verdict);
            return;
        }
        JsonElement seq = body.get("seq");
        int msgid;
        try {
            msgid = msgid(body);
        } catch (ChatException e) {
            sendError(c, MsgId.ERROR, e.errno(), e.getMessage(), seq);
            closeIfAbusive(c, verdict);
            return;
        }
        telemetry.request(msgid);
        Route route = routes.getOrDefault(msgid, fallback);
        // replies wait for commits: a connection with that many unanswered requests gets BUSY too
        boolean full = session.replyOrder().waiting() >= maxQueuedPerConnection;
        Request request = new Request(session, msgid, body, telemetry, route.mode != Mode.LOOP);
        if (verdict != RateGuard.Verdict.PASS) {
            request.error(Errno.RATE_LIMITED, verdict == RateGuard.Verdict.DISCONNECT
                    ? "too many requests per second for too long; closing the connection"
                    : "more than " + abuse.requestsPerSecond() + " requests per second; slow down");
            closeIfAbusive(c, verdict);
            return;
        }
        if (route.mode == Mode.LOOP) {
            run(route, request);
        } else if (full || !session.serial().offer(() -> run(route, request))) {
            request.error(Errno.BUSY, Errno.BUSY.message());
        }
    }

    private void run(Route route, Request request) {
        try {
            if (route.requiresLogin && !request.session().loggedIn()) {
                throw new ChatException(Errno.NOT_LOGGED_IN);
            }
            route.handler.handle(request);
            if (!request.replied() && !request.deferred()) {
                LOG.warning("handler for msgid " + request.msgid() + " sent no reply; answering ok");
                request.ok();
            }
        } catch (ChatException e) {
            if (!request.replied()) {
                request.error(e.errno(), e.getMessage());
            }
        } catch (StoreException e) {
            LOG.warning("store failed for msgid " + request.msgid() + ": " + e.getMessage());
            if (!request.replied()) {
                request.error(Errno.SERVER_ERROR, "database unavailable, try again later");
            }
        } catch (ClusterUnavailableException e) {
            LOG.warning("cluster failed for msgid " + request.msgid() + ": " + e.getMessage());
            if (!request.replied()) {
                request.error(Errno.SERVER_ERROR, "cluster unavailable, try again later");
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "handler for msgid " + request.msgid() + " failed on " + request.connection(), t);
            if (!request.replied()) {
                request.error(Errno.SERVER_ERROR, Errno.SERVER_ERROR.message());
            }
        }
    }

    private boolean trustedProxy(Connection c) {
        java.net.InetSocketAddress peer = c.remoteAddress();
        return peer != null && trustedProxies.contains(peer.getAddress());
    }

    /** Loop thread: the client a trusted proxy names becomes this session's address (logins, logs). */
    private void acceptProxyHeader(Connection c, Session session, String header) {
        try {
            java.net.InetSocketAddress client = ProxyHeader.client(header);
            if (client != null) {
                session.clientAddress(client);
                telemetry.proxied(c, client);
            }
        } catch (IllegalArgumentException e) {
            sendError(c, MsgId.ERROR, Errno.INVALID_REQUEST, e.getMessage() + "; closing the connection", null);
            c.close();
        }
    }

    private static void closeIfAbusive(Connection c, RateGuard.Verdict verdict) {
        if (verdict == RateGuard.Verdict.DISCONNECT) {
            LOG.info(() -> c + " kept flooding past its rate limit; closing it");
            c.close();
        }
    }

    /** A frame too long is answered after the requests before it, just before the close ({@link #onInputEnded}). */
    @Override
    public void onFrameError(Connection c, FrameError error) {
        switch (error) {
            case TOO_LONG -> {
                String msg = "frame longer than " + c.maxFrameLength() + " bytes; closing the connection";
                inTurn(c, () -> sendError(c, MsgId.ERROR, Errno.FRAME_TOO_LONG, msg, null));
            }
            case INCOMPLETE -> sendError(c, MsgId.ERROR, Errno.FRAME_TIMEOUT,
                    "frame not completed in time; closing the connection", null);
            default -> sendError(c, MsgId.ERROR, Errno.INVALID_UTF8, Errno.INVALID_UTF8.message(), null);
        }
    }

    /** Thread-safe: the error a connection over the server's limit gets before it is closed. */
    @Override
    public byte[] rejection() {
        return serverFull;
    }

    /**
     * Closes only after every request already queued has been answered (half-close, or a frame too
     * long, keeps its replies).
     */
    @Override
    public void onInputEnded(Connection c) {
        inTurn(c, c::close);
    }

    /** Loop thread: runs {@code action} once every request that came before has been answered. */
    private static void inTurn(Connection c, Runnable action) {
        ReplyOrder order = ((Session) c.attachment()).replyOrder();
        order.ready(order.take(), action);
    }

    @Override
    public void onClose(Connection c) {
        Session session = (Session) c.attachment();
        if (session != null) {
            session.cancelLoginTimer();
        }
        telemetry.closed(c, session == null ? 0 : session.userId(), session == null ? null : session.clientAddress());
        if (session != null && onDisconnect != null) {
            session.serial().submit(() -> onDisconnect.accept(session));
        }
    }

    private void sendError(Connection c, int msgid, Errno errno, String message, JsonElement seq) {
        telemetry.errorReply(MsgId.ERROR, errno);
        c.sendEncoded(JsonText.encode(Request.errorReply(msgid, errno, message, seq)));
    }

    /** Strict parse: one JSON object and nothing after it. */
    static JsonObject parse(String frame) {
        JsonElement e;
        try {
            JsonReader reader = new JsonReader(new StringReader(frame));
            reader.setStrictness(Strictness.STRICT);
            e = JsonParser.parseReader(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new ChatException(Errno.BAD_JSON, "malformed JSON: unexpected data after the object");
            }
        } catch (JsonParseException | java.io.IOException | IllegalStateException | StackOverflowError ex) {
            throw new ChatException(Errno.BAD_JSON, "malformed JSON: " + firstLine(ex));
        }
        if (!e.isJsonObject()) {
            throw new ChatException(Errno.BAD_JSON, "a frame must be one JSON object");
        }
        return e.getAsJsonObject();
    }

    static int msgid(JsonObject body) {
        JsonElement m = body.get("msgid");
        if (m == null || m.isJsonNull()) {
            throw new ChatException(Errno.INVALID_REQUEST, "missing field 'msgid'");
        }
        if (m.isJsonPrimitive()) {
            JsonPrimitive p = m.getAsJsonPrimitive();
            if (p.isNumber()) {
                try {
                    return p.getAsBigDecimal().intValueExact();
                } catch (ArithmeticException | NumberFormatException ignored) {
                    // falls through
                }
            }
        }
        throw new ChatException(Errno.INVALID_REQUEST, "field 'msgid' must be an integer");
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage();
        if (m == null) {
            return t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    /** Collects routes before start; {@link #build()} freezes them. Not thread-safe. */
    public static final class Builder {
        private final Map<Integer, Route> routes = new HashMap<>();
        private final Executor workers;
        private MessageHandler fallback = r -> {
            throw new ChatException(Errno.UNKNOWN_MSGID, "unknown msgid " + r.msgid());
        };
        private int maxQueuedPerConnection = 256;
        private AbuseLimits abuse = AbuseLimits.NONE;
        private java.util.Set<java.net.InetAddress> trustedProxies = java.util.Set.of();
        private Telemetry telemetry = new Telemetry(new dev.clusterchat.core.metrics.ChatMetrics(), Level.FINE);
        private Consumer<Session> onDisconnect;

        private Builder(Executor workers) {
            this.workers = Objects.requireNonNull(workers, "workers");
        }

        /** Routes a msgid to a handler that runs in the serial queue; {@code requiresLogin} rejects anonymous callers. */
        public Builder route(int msgid, MessageHandler handler, boolean requiresLogin) {
            return route(msgid, handler, requiresLogin, Mode.SERIAL);
        }

        public Builder route(int msgid, MessageHandler handler, boolean requiresLogin, Mode mode) {
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(mode, "mode");
            if (routes.putIfAbsent(msgid, new Route(handler, requiresLogin, mode)) != null) {
                throw new IllegalArgumentException("msgid " + msgid + " is already routed");
            }
            return this;
        }

        /** The handler for msgids with no route (default: an UNKNOWN_MSGID error). Runs on the loop. */
        public Builder fallback(MessageHandler handler) {
            this.fallback = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Requests one connection may have waiting, queued or unanswered (a chat request is answered
         * once its message is committed); more get BUSY.
         */
        public Builder maxQueuedPerConnection(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxQueuedPerConnection cannot be less than 1: " + n);
            }
            this.maxQueuedPerConnection = n;
            return this;
        }

        /** Request rate per connection and the login timeout (default: {@link AbuseLimits#NONE}). */
        public Builder abuseLimits(AbuseLimits limits) {
            this.abuse = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Peers allowed to open a connection with a PROXY protocol v1 header naming the real client
         * (default: none, and a PROXY line from anyone else is an ordinary bad frame).
         */
        public Builder trustedProxies(java.util.Collection<java.net.InetAddress> proxies) {
            this.trustedProxies = java.util.Set.copyOf(proxies);
            return this;
        }

        /** Runs in the session's serial queue after its connection closed (log the user out). */
        public Builder onDisconnect(Consumer<Session> cleanup) {
            this.onDisconnect = cleanup;
            return this;
        }

        /** Where requests, errors and connection events are counted and logged. */
        Builder telemetry(Telemetry t) {
            this.telemetry = Objects.requireNonNull(t, "telemetry");
            return this;
        }

        public Dispatcher build() {
            return new Dispatcher(this);
        }
    }
}
