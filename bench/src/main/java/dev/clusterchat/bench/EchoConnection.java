package dev.clusterchat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One ping-pong client connection: sends a frame of exactly {@code frameSize} bytes (ASCII payload
 * and LF), waits for all of its echo, compares it byte for byte, then the caller sends the next.
 * The first bytes of each payload carry a sequence number, so a stale or repeated echo is caught.
 *
 * <p>Not thread-safe: owned by one client thread (and its selector) for life.
 */
final class EchoConnection {
    /** {@link #onReadable()} results. */
    static final int INCOMPLETE = 0;
    static final int ECHOED = 1;
    static final int MISMATCH = 2;

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SocketChannel channel;
    private final ByteBuffer out;
    private final ByteBuffer in;
    private final int seqDigits;
    private SelectionKey key;
    private long seq;
    private long sentAt;

    private EchoConnection(SocketChannel channel, int frameSize, int id) {
        this.channel = channel;
        this.out = ByteBuffer.allocateDirect(frameSize);
        this.in = ByteBuffer.allocateDirect(frameSize);
        this.seqDigits = Math.min(8, frameSize - 1);
        for (int i = 0; i < frameSize - 1; i++) {
            out.put(i, (byte) ('a' + (id + i) % 26)); // printable: never LF, CR or NUL
        }
        out.put(frameSize - 1, (byte) '\n');
    }

    /** Connects (blocking), then switches to non-blocking mode. */
    static EchoConnection open(InetSocketAddress target, int frameSize, int id) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(target);
            ch.configureBlocking(false);
            return new EchoConnection(ch, frameSize, id);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    void register(Selector selector) throws IOException {
        key = channel.register(selector, SelectionKey.OP_READ, this);
    }

    /** When the frame now in flight was sent (System.nanoTime). */
    long sentAt() {
        return sentAt;
    }

    /** Sends the next frame; a part the socket does not take now goes out when it is writable. */
    void send(long now) throws IOException {
        long s = seq++;
        for (int i = seqDigits - 1; i >= 0; i--) {
            out.put(i, HEX[(int) (s & 0xF)]);
            s >>>= 4;
        }
        out.clear();
        in.clear();
        sentAt = now;
        onWritable();
    }

    void onWritable() throws IOException {
        channel.write(out);
        int ops = out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Reads what has arrived: {@link #INCOMPLETE}, {@link #ECHOED} or {@link #MISMATCH}. */
    int onReadable() throws IOException {
        int n = channel.read(in);
        if (n < 0) {
            throw new IOException("server closed the connection");
        }
        if (in.hasRemaining()) {
            return INCOMPLETE;
        }
        in.flip();
        out.rewind();
        return in.equals(out) ? ECHOED : MISMATCH;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the run is over for this connection either way
        }
    }
}
