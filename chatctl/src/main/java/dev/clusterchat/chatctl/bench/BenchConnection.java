package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One non-blocking client connection speaking protocol v1 (LF-ended JSON frames). Every request
 * gets a fresh {@code seq}, and its reply is matched by it; frames without a known seq (messages,
 * errors for unattributable frames) go to the message handler. Requests made during one round of
 * the loop leave in one write at its end (as a client writing what it has would send them).
 *
 * <p>Belongs to one {@link BenchLoop} for life: apart from {@link #open} and {@link #call}, which
 * hand work to the loop, every method is loop thread only. Reads land in the loop's buffer; a
 * connection keeps only an incomplete frame of its own, so an idle one holds no buffer.
 */
final class BenchConnection {
    private final SocketChannel channel;
    private final BenchLoop loop;
    /** The start of a frame not complete yet, or null. */
    private byte[] partial;
    /** Requests not written yet: out[0, outLength). */
    private byte[] out = new byte[256];
    private int outLength;
    private boolean flushQueued;
    /** Whether each request is written at once (its own system call) rather than at the end of the round. */
    private final boolean writeEach;
    private boolean writeInterest;
    private final Map<Long, Consumer<Frame>> pending = new HashMap<>();
    /** Futures of {@link #call}s not answered yet, failed if the connection closes. */
    private final Set<CompletableFuture<JsonObject>> calls = new HashSet<>();
    private SelectionKey key;
    private long nextSeq = 1;
    private Consumer<Frame> onMessage = m -> { };
    private Runnable onClose = () -> { };
    private volatile boolean closed;

    private BenchConnection(SocketChannel channel, BenchLoop loop, boolean writeEach) {
        this.channel = channel;
        this.loop = loop;
        this.writeEach = writeEach;
    }

    /**
     * Thread-safe: connects (blocking, within {@code timeoutMillis}) from the local address
     * {@code source} (null: any; port 0: any free one) and registers on {@code loop}. Each source
     * address has its own ephemeral ports, so several of them pass the ~28,000 connections one
     * address can open to one server port. {@code writeEach}: every request written at once, with a
     * system call of its own, instead of with the others of its loop round.
     */
    static BenchConnection open(InetSocketAddress target, InetSocketAddress source, int timeoutMillis, BenchLoop loop,
                                boolean writeEach) {
        SocketChannel ch = null;
        try {
            if (target.isUnresolved()) {
                throw new IOException("unknown host");
            }
            ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (source != null) {
                ch.bind(source);
            }
            ch.socket().connect(target, timeoutMillis);
            ch.configureBlocking(false);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new BenchException(BenchException.UNREACHABLE, "cannot connect to " + target.getHostString()
                    + ":" + target.getPort() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        BenchConnection c = new BenchConnection(ch, loop, writeEach);
        CompletableFuture<Void> registered = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                c.key = c.channel.register(loop.selector(), SelectionKey.OP_READ, c);
                loop.own(c);
                registered.complete(null);
            } catch (IOException | RuntimeException e) {
                registered.completeExceptionally(e);
            }
        });
        registered.join();
        return c;
    }

    BenchLoop loop() {
        return loop;
    }

    /**
     * Thread-safe: installs both handlers on the loop and returns once they are in place, so no
     * frame read after this call can reach the default (ignoring) handler. Install them before
     * anything is sent that could make the server deliver to this connection.
     */
    void handlers(Consumer<Frame> message, Runnable close) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            onMessage = message;
            onClose = close;
            done.complete(null);
        });
        done.join();
    }

    /** Loop thread only: handler for frames that answer no request of ours (chat messages). */
    void onMessage(Consumer<Frame> handler) {
        onMessage = handler;
    }

    /** Loop thread only: runs once when the server closes the connection or it fails. */
    void onClose(Runnable handler) {
        onClose = handler;
    }

    /** Thread-safe: sends {@code request}; the future completes with its reply, or fails if the connection closes. */
    CompletableFuture<JsonObject> call(JsonObject request) {
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        loop.execute(() -> {
            if (closed) {
                reply.completeExceptionally(new IOException("connection closed"));
            } else {
                calls.add(reply);
                callInLoop(request, f -> {
                    calls.remove(reply);
                    try {
                        reply.complete(f.json());
                    } catch (RuntimeException e) {
                        reply.completeExceptionally(e);
                    }
                });
            }
        });
        return reply;
    }

    /** Loop thread only: sends {@code request} (adding its seq); {@code onReply} gets the reply on this loop. */
    void callInLoop(JsonObject request, Consumer<Frame> onReply) {
        String text = request.toString();
        callInLoop(new StringBuilder(text.length() + 24).append(text, 0, text.length() - 1), onReply);
    }

    /**
     * Loop thread only: sends a request given as the text of a JSON object without its closing
     * brace ({@code {"msgid":6,"toid":2,"msg":"hi"}), ending it with a fresh seq; {@code onReply}
     * gets the reply on this loop.
     */
    void callInLoop(StringBuilder openRequest, Consumer<Frame> onReply) {
        loop.assertInLoop();
        if (closed) {
            return;
        }
        long seq = nextSeq++;
        pending.put(seq, onReply);
        if (openRequest.charAt(openRequest.length() - 1) != '{') {
            openRequest.append(',');
        }
        byte[] line = openRequest.append("\"seq\":").append(seq).append("}\n").toString()
                .getBytes(StandardCharsets.UTF_8);
        if (outLength + line.length > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + line.length));
        }
        System.arraycopy(line, 0, out, outLength, line.length);
        outLength += line.length;
        if (writeEach) {
            flushQueued = true;
            flushQueued();
        } else if (!flushQueued && !writeInterest) {
            flushQueued = true;
            loop.flushLater(this);
        }
    }

    /** Thread-safe: whether the connection was closed (by the server, a failure or the loop). */
    boolean closed() {
        return closed;
    }

    /** Loop thread only: requests sent and not answered yet. */
    int pending() {
        return pending.size();
    }

    /** Loop thread only: called by the loop for a selected key. */
    void handle(SelectionKey k) {
        try {
            if (k.isValid() && k.isWritable()) {
                flush();
            }
            if (k.isValid() && k.isReadable()) {
                read();
            }
        } catch (IOException | RuntimeException e) {
            fail();
        }
    }

    /** Loop thread only: called by the loop at the end of a round for a connection with requests queued. */
    void flushQueued() {
        flushQueued = false;
        if (closed || writeInterest) {
            return;
        }
        try {
            flush();
        } catch (IOException e) {
            fail();
        }
    }

    /** Writes what is queued; what the socket does not take waits for it to be writable. */
    private void flush() throws IOException {
        int written = outLength == 0 ? 0 : channel.write(ByteBuffer.wrap(out, 0, outLength));
        System.arraycopy(out, written, out, 0, outLength - written);
        outLength -= written;
        boolean blocked = outLength > 0;
        if (blocked != writeInterest) {
            writeInterest = blocked;
            key.interestOps(blocked ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    private void read() throws IOException {
        ByteBuffer in = loop.readBuffer();
        in.clear();
        if (partial != null) {
            in.put(partial);
            partial = null;
        }
        int n = channel.read(in);
        if (n < 0) {
            fail();
            return;
        }
        byte[] a = in.array();
        int start = 0;
        int end = in.position();
        for (int i = 0; i < end; i++) {
            if (a[i] == '\n') {
                if (i > start) {
                    frame(new String(a, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
                if (closed) {
                    return;
                }
            }
        }
        if (start == 0 && end == a.length) {
            throw new IOException("frame longer than " + a.length + " bytes");
        }
        if (start < end) {
            partial = Arrays.copyOfRange(a, start, end);
        }
    }

    private void frame(String text) {
        Frame f = Frame.parse(text);
        Consumer<Frame> waiter = f.hasSeq() ? pending.remove(f.seq()) : null;
        if (waiter != null) {
            waiter.accept(f);
        } else {
            onMessage.accept(f);
        }
    }

    private void fail() {
        if (!closed) {
            closeInLoop();
            onClose.run();
        }
    }

    /** Loop thread only. */
    void closeInLoop() {
        closed = true;
        pending.clear();
        for (CompletableFuture<JsonObject> c : calls) {
            c.completeExceptionally(new IOException("connection closed"));
        }
        calls.clear();
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }
}
