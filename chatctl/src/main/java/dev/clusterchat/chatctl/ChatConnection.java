package dev.clusterchat.chatctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A blocking client connection: LF-terminated UTF-8 JSON frames out; frames split on LF or NUL in.
 * Every request gets a {@code seq} (unless it has one) and its reply is matched by it. A reader
 * thread hands every frame, in arrival order, to the sink and then completes the matching request.
 *
 * <p>Thread safety: thread-safe. The sink runs on the reader thread.
 */
final class ChatConnection implements AutoCloseable {
    static final int MAX_FRAME_LENGTH = 64 * 1024 * 1024;

    private record Pending(CompletableFuture<JsonObject> reply, boolean quiet) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final String peer;
    private final Consumer<Frame> sink;
    /** Requests waiting for a reply, oldest first; guarded by itself. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final AtomicLong nextSeq = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Thread reader;

    private ChatConnection(Socket socket, String peer, Consumer<Frame> sink) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.peer = peer;
        this.sink = sink;
        this.reader = new Thread(this::readLoop, "chatctl-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects within {@code timeout}; throws exit-3 {@link ChatctlException} if it cannot. */
    static ChatConnection open(String host, int port, Duration timeout, Consumer<Frame> sink) {
        String peer = host + ":" + port;
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            s.setTcpNoDelay(true);
            return new ChatConnection(s, peer, sink);
        } catch (IOException e) {
            closeQuietly(s);
            throw ChatctlException.unreachable(peer, e);
        }
    }

    /** Sends a request; the future completes with its reply, or fails with a ChatctlException. */
    CompletableFuture<JsonObject> send(JsonObject request) {
        return send(request, false);
    }

    /** Like {@link #send} but the reply is not shown to the sink (keepalive pings). */
    CompletableFuture<JsonObject> sendQuiet(JsonObject request) {
        return send(request, true);
    }

    /** Sends a request and waits up to {@code timeout} for its reply (any errno). */
    JsonObject call(JsonObject request, Duration timeout, String what) {
        CompletableFuture<JsonObject> reply = send(request);
        try {
            return await(reply, timeout, what);
        } catch (ChatctlException e) {
            forget(reply); // a late reply is then shown to the sink like any other frame
            throw e;
        }
    }

    private void forget(CompletableFuture<JsonObject> reply) {
        synchronized (pending) {
            pending.values().removeIf(p -> p.reply() == reply);
        }
    }

    private CompletableFuture<JsonObject> send(JsonObject request, boolean quiet) {
        JsonObject frame = request.deepCopy();
        if (!frame.has("seq")) {
            frame.addProperty("seq", nextSeq.incrementAndGet());
        }
        String key = frame.get("seq").toString();
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        synchronized (pending) {
            if (closed.isDone()) {
                reply.completeExceptionally(ChatctlException.closed(peer));
                return reply;
            }
            if (pending.putIfAbsent(key, new Pending(reply, quiet)) != null) {
                throw new IllegalArgumentException("a request with seq " + key + " is already waiting for its reply");
            }
        }
        try {
            write((frame + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            shutdown();
        }
        return reply;
    }

    private void write(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    /** Waits for a reply; maps timeout and interruption to ChatctlException. */
    static JsonObject await(CompletableFuture<JsonObject> reply, Duration timeout, String what) {
        try {
            return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw ChatctlException.noReply(what, timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChatctlException.interrupted();
        }
    }

    /** Completes when the connection is closed, by either side. */
    CompletableFuture<Void> closed() {
        return closed;
    }

    String peer() {
        return peer;
    }

    private void readLoop() {
        try {
            FrameReader frames = new FrameReader(socket.getInputStream(), MAX_FRAME_LENGTH);
            for (String text = frames.next(); text != null; text = frames.next()) {
                dispatch(text);
            }
        } catch (IOException e) {
            // the connection is gone, whoever closed it
        } finally {
            shutdown();
        }
    }

    private void dispatch(String text) {
        JsonObject json = parse(text);
        Pending p = json == null ? null : takePending(json);
        if (p == null || !p.quiet()) {
            sink.accept(new Frame(text, json, p != null));
        }
        if (p != null) {
            p.reply().complete(json);
        }
    }

    /**
     * The request a frame answers: the one with its seq; or, for an error without seq (the server
     * could not read one of our frames), the oldest one.
     */
    private Pending takePending(JsonObject json) {
        JsonElement seq = json.get("seq");
        synchronized (pending) {
            if (seq != null) {
                return pending.remove(seq.toString());
            }
            if (Frame.msgidOf(json) == 17 && !pending.isEmpty()) {
                Iterator<Pending> oldest = pending.values().iterator();
                Pending p = oldest.next();
                oldest.remove();
                return p;
            }
            return null;
        }
    }

    private static JsonObject parse(String text) {
        try {
            JsonElement e = JsonParser.parseString(text);
            return e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    /** Closes the socket and fails every waiting request. Idempotent. */
    private void shutdown() {
        List<Pending> failed;
        synchronized (pending) {
            if (closed.isDone()) {
                return;
            }
            closeQuietly(socket);
            failed = new ArrayList<>(pending.values());
            pending.clear();
            closed.complete(null);
        }
        failed.forEach(p -> p.reply().completeExceptionally(ChatctlException.closed(peer)));
    }

    /** Closes the connection (the server logs the user out) and waits briefly for the reader to finish. */
    @Override
    public void close() {
        shutdown();
        if (Thread.currentThread() != reader) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
