package dev.clusterchat.core.testsupport;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A blocking test client speaking protocol v1 (LF frames) or the legacy dialect (NUL frames).
 * One thread at a time. Every read has a timeout, so a missing reply fails the test instead of
 * hanging it.
 */
public final class ChatClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final boolean legacy;
    private final Deque<JsonObject> unread = new ArrayDeque<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    private ChatClient(Socket socket, boolean legacy) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.legacy = legacy;
    }

    public static ChatClient connect(int port) {
        return connect("127.0.0.1", port, false);
    }

    /** A client that ends its frames with NUL, as the seed C++ client does. */
    public static ChatClient connectLegacy(int port) {
        return connect("127.0.0.1", port, true);
    }

    public static ChatClient connect(String host, int port, boolean legacy) {
        return connect(host, port, legacy, -1);
    }

    /** A client whose socket is bound to this local address first (e.g. 127.0.0.2, to be another client host). */
    public static ChatClient connectFrom(String localAddress, int port) {
        try {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(localAddress, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.setTcpNoDelay(true);
            return new ChatClient(s, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to 127.0.0.1:" + port + " from " + localAddress, e);
        }
    }

    /** A client with a small socket receive buffer (SO_RCVBUF), to play a reader that falls behind. */
    public static ChatClient connectWithReceiveBuffer(int port, int receiveBuffer) {
        return connect("127.0.0.1", port, false, receiveBuffer);
    }

    private static ChatClient connect(String host, int port, boolean legacy, int receiveBuffer) {
        try {
            Socket s = new Socket();
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(5000);
            s.setTcpNoDelay(true);
            return new ChatClient(s, legacy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
    }

    /** Sends raw bytes as they are. */
    public ChatClient sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends one frame: the text plus LF (or NUL for a legacy client). */
    public ChatClient send(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[body.length + 1];
        System.arraycopy(body, 0, frame, 0, body.length);
        frame[body.length] = legacy ? 0 : (byte) '\n';
        return sendRaw(frame);
    }

    public ChatClient send(JsonObject json) {
        return send(json.toString());
    }

    /** Sends a request and returns the next frame whose msgid is {@code replyMsgid}; others stay queued. */
    public JsonObject request(String json, int replyMsgid) {
        send(json);
        return next(o -> o.has("msgid") && o.get("msgid").getAsInt() == replyMsgid);
    }

    /** Registers a user (msgid 4) and returns its id; fails the test on an error reply. */
    public long register(String name, String password) {
        JsonObject r = request(request(4, "name", name, "password", password), 5);
        if (r.get("errno").getAsInt() != 0) {
            throw new AssertionError("register " + name + " failed: " + r);
        }
        return r.get("id").getAsLong();
    }

    /** Logs in (msgid 1) and returns the reply, whatever its errno. */
    public JsonObject login(long id, String password) {
        JsonObject req = new JsonObject();
        req.addProperty("msgid", 1);
        req.addProperty("id", id);
        req.addProperty("password", password);
        return request(req.toString(), 2);
    }

    /** A one-to-one chat request (msgid 6). */
    public static JsonObject chat(long toId, String text) {
        return chatRequest(6, "toid", toId, text);
    }

    /** A group chat request (msgid 10). */
    public static JsonObject groupChat(long groupId, String text) {
        return chatRequest(10, "groupid", groupId, text);
    }

    private static JsonObject chatRequest(int msgid, String target, long id, String text) {
        JsonObject req = new JsonObject();
        req.addProperty("msgid", msgid);
        req.addProperty(target, id);
        req.addProperty("msg", text);
        return req;
    }

    private static String request(int msgid, String k1, String v1, String k2, String v2) {
        JsonObject req = new JsonObject();
        req.addProperty("msgid", msgid);
        req.addProperty(k1, v1);
        req.addProperty(k2, v2);
        return req.toString();
    }

    /** The next frame received (queued ones first). */
    public JsonObject next() {
        return next(o -> true);
    }

    /** The next frame matching, keeping the others for later reads; fails after the read timeout. */
    public JsonObject next(Predicate<JsonObject> match) {
        for (JsonObject o : unread) {
            if (match.test(o)) {
                unread.remove(o);
                return o;
            }
        }
        while (true) {
            JsonObject o = JsonParser.parseString(readFrame()).getAsJsonObject();
            if (match.test(o)) {
                return o;
            }
            unread.add(o);
        }
    }

    /** The raw text of the next frame (without its terminator). */
    public String readFrame() {
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new UncheckedIOException(new IOException("connection closed by server"));
                }
                if (b == '\n' || b == 0) {
                    String s = partial.toString(StandardCharsets.UTF_8);
                    partial.reset();
                    lastTerminator = (byte) b;
                    return s;
                }
                partial.write(b);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + 5000 + " ms", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte lastTerminator;

    /** The terminator of the last frame read: '\n' or 0. */
    public byte lastTerminator() {
        return lastTerminator;
    }

    /** Whether nothing arrives within the given time (a frame that does arrive is kept for next()). */
    public boolean quietFor(int millis) {
        try {
            socket.setSoTimeout(millis);
            try {
                String f = readFrame();
                unread.add(JsonParser.parseString(f).getAsJsonObject());
                return false;
            } catch (AssertionError e) {
                return true;
            } finally {
                socket.setSoTimeout(5000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads frames (queued ones first) until {@code got} holds the text of a chat message (msgid 6
     * or 10) for every expected text, or the time is up. Adds the text of every chat message read
     * to {@code got}, in order, duplicates included; other frames are dropped.
     */
    public void receiveChats(List<String> got, Collection<String> expected, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(got);
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            if (!unread.isEmpty() || !quietFor(100)) {
                String text = chatText(unread.poll());
                if (text != null) {
                    got.add(text);
                    missing.remove(text);
                }
            }
        }
    }

    /** The texts of the chat messages read (queued ones first) until nothing arrives for {@code quietMillis}. */
    public List<String> drainChats(int quietMillis) {
        List<String> got = new ArrayList<>();
        while (!unread.isEmpty() || !quietFor(quietMillis)) {
            String text = chatText(unread.poll());
            if (text != null) {
                got.add(text);
            }
        }
        return got;
    }

    private static String chatText(JsonObject frame) {
        int msgid = frame.has("msgid") ? frame.get("msgid").getAsInt() : 0;
        return msgid == 6 || msgid == 10 ? frame.get("msg").getAsString() : null;
    }

    /** Whether the server closed the connection (reads EOF within the timeout). */
    public boolean closedByServer() {
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
