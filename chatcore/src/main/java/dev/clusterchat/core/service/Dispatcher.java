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
import java.nio.charset.StandardCharsets;
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
    private final java.util.function.BiConsumer<Long, java.util.List<byte[]>> strays;
    private final Telemetry telemetry;

    private Dispatcher(Builder b) {
        this.telemetry = b.telemetry;
        this.strays = b.strays;
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
        c.attach(new Session(c, new SerialExecutor(workers, maxQueuedPerConnection), strays));
        telemetry.opened(c);
    }

    @Override
    public void onFrame(Connection c, String frame) {
        Session session = (Session) c.attachment();
        JsonObject body;
        try {
            body = parse(frame);
        } catch (ChatException e) {
            sendError(c, MsgId.ERROR, e.errno(), e.getMessage(), null);
            return;
        }
        JsonElement seq = body.get("seq");
        int msgid;
        try {
            msgid = msgid(body);
        } catch (ChatException e) {
            sendError(c, MsgId.ERROR, e.errno(), e.getMessage(), seq);
            return;
        }
        telemetry.request(msgid);
        Route route = routes.getOrDefault(msgid, fallback);
        Request request = new Request(session, msgid, body, telemetry);
        if (route.mode == Mode.LOOP) {
            run(route, request);
        } else if (!session.serial().offer(() -> run(route, request))) {
            request.error(Errno.BUSY, Errno.BUSY.message());
        }
    }

    private void run(Route route, Request request) {
        try {
            if (route.requiresLogin && !request.session().loggedIn()) {
                throw new ChatException(Errno.NOT_LOGGED_IN);
            }
            route.handler.handle(request);
            if (!request.replied()) {
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

    @Override
    public void onFrameError(Connection c, FrameError error) {
        Errno errno = error == FrameError.TOO_LONG ? Errno.FRAME_TOO_LONG : Errno.INVALID_UTF8;
        String msg = error == FrameError.TOO_LONG
                ? "frame longer than " + c.maxFrameLength() + " bytes; closing the connection"
                : Errno.INVALID_UTF8.message();
        sendError(c, MsgId.ERROR, errno, msg, null);
    }

    /** Closes only after every request already queued has been answered (half-close keeps its replies). */
    @Override
    public void onInputEnded(Connection c) {
        Session session = (Session) c.attachment();
        session.serial().submit(c::close);
    }

    @Override
    public void onClose(Connection c) {
        Session session = (Session) c.attachment();
        telemetry.closed(c, session == null ? 0 : session.userId());
        if (session != null && onDisconnect != null) {
            session.serial().submit(() -> onDisconnect.accept(session));
        }
    }

    private void sendError(Connection c, int msgid, Errno errno, String message, JsonElement seq) {
        telemetry.errorReply(MsgId.ERROR, errno);
        c.sendEncoded(Request.errorReply(msgid, errno, message, seq).toString().getBytes(StandardCharsets.UTF_8));
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
        private Telemetry telemetry = new Telemetry(new dev.clusterchat.core.metrics.ChatMetrics(), Level.FINE);
        private Consumer<Session> onDisconnect;
        private java.util.function.BiConsumer<Long, java.util.List<byte[]>> strays =
                (user, frames) -> LOG.warning(frames.size() + " held messages for user " + user + " dropped: no route back");

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

        /** Requests one connection may have waiting; more get BUSY. */
        public Builder maxQueuedPerConnection(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxQueuedPerConnection cannot be less than 1: " + n);
            }
            this.maxQueuedPerConnection = n;
            return this;
        }

        /** Runs in the session's serial queue after its connection closed (log the user out). */
        public Builder onDisconnect(Consumer<Session> cleanup) {
            this.onDisconnect = cleanup;
            return this;
        }

        /** Receives, on a loop thread, live messages a session held for a user who is gone (route them again). */
        public Builder onStrayMessages(java.util.function.BiConsumer<Long, java.util.List<byte[]>> handler) {
            this.strays = Objects.requireNonNull(handler, "handler");
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
