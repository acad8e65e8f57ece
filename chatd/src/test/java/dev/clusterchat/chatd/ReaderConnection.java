package dev.clusterchat.chatd;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One protocol v1 connection whose frames are read by a thread of its own into a queue, so the
 * owner can send, time out and read without blocking on any of them (ChatClient reads one byte
 * per system call and only when asked). Frames are sent by the owner thread only; {@link #poll}
 * is for the owner thread; {@link #close} and {@link #abort} are thread-safe.
 */
final class ReaderConnection implements AutoCloseable {
    /** Queued once, last: the connection ended (EOF, reset, or closed here). */
    static final JsonObject CLOSED = new JsonObject();

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();

    private ReaderConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> read(in), "reader-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects to 127.0.0.1:port within a second; a refused connection throws at once. */
    static ReaderConnection open(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setTcpNoDelay(true);
            return new ReaderConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private void read(BufferedReader in) {
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isEmpty()) {
                    frames.add(parse(line));
                }
            }
        } catch (IOException e) {
            // reset or closed here: the end either way
        } finally {
            frames.add(CLOSED);
        }
    }

    /** The frame as a JSON object; a frame that is not one becomes {@code {"unparsed": text}}. */
    private static JsonObject parse(String line) {
        try {
            return JsonParser.parseString(line).getAsJsonObject();
        } catch (RuntimeException e) {
            JsonObject bad = new JsonObject();
            bad.addProperty("unparsed", line);
            return bad;
        }
    }

    /** Owner thread: writes one frame (the object plus LF). */
    void send(JsonObject frame) throws IOException {
        out.write((frame + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Owner thread: the next frame, {@link #CLOSED} once the connection ended, or null after {@code millis}. */
    JsonObject poll(long millis) throws InterruptedException {
        JsonObject f = frames.poll(millis, TimeUnit.MILLISECONDS);
        if (f == CLOSED) {
            frames.add(CLOSED); // every later poll sees the end too
        }
        return f;
    }

    /** Closes with a reset (SO_LINGER 0): the server's unread input is thrown away. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed anyway
        }
    }
}
