package dev.clusterchat.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Shared helpers for the net tests: bounded waits, a blocking line client, an echo handler. */
final class NetTestSupport {
    /** Every wait in these tests is bounded by this. */
    static final long TIMEOUT_SECONDS = 10;
    static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);

    private NetTestSupport() {
    }

    /** Waits for the latch, failing the test after {@link #TIMEOUT}. */
    static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertThat(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .as("timed out waiting for %s (%d left)", what, latch.getCount())
                .isTrue();
    }

    /**
     * Waits until the condition holds, failing after {@link #TIMEOUT}. Only for state no callback
     * announces (a counter read from another thread); it re-checks the condition, it never sleeps
     * for a guessed time.
     */
    static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Loopback, port 0, two sub-loops (the CI machine has two cores). */
    static ServerConfig config() {
        return ServerConfig.defaults(0).withIoThreads(2);
    }

    /** Echoes every frame and records what the server saw. */
    static class EchoHandler implements FrameHandler {
        final List<String> frames = new CopyOnWriteArrayList<>();
        final List<FrameError> errors = new CopyOnWriteArrayList<>();
        final List<Connection> closed = new CopyOnWriteArrayList<>();
        /** Counts down at the first close. */
        final CountDownLatch closedLatch = new CountDownLatch(1);

        @Override
        public void onFrame(Connection c, String frame) {
            frames.add(frame);
            c.send(frame);
        }

        @Override
        public void onFrameError(Connection c, FrameError error) {
            errors.add(error);
            c.send("ERR " + error);
        }

        @Override
        public void onClose(Connection c) {
            closed.add(c);
            closedLatch.countDown();
        }
    }

    /** A blocking client on plain {@link Socket}; every read times out after {@link #TIMEOUT}. */
    static final class LineClient implements Closeable {
        final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        /** The terminator of the last frame read: '\n' or 0. */
        int lastTerminator = -1;

        LineClient(int port) throws IOException {
            this(port, -1);
        }

        /** receiveBuffer &gt; 0 sets SO_RCVBUF before connecting (a small window for a slow reader). */
        LineClient(int port, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** Sends one LF-terminated frame in one write. */
        void send(String frame) throws IOException {
            write((frame + "\n").getBytes(StandardCharsets.UTF_8));
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        /**
         * The next frame (LF or NUL terminated, a CR before LF kept), or null at a clean EOF.
         * Throws on a timeout, on EOF inside a frame, and on a reset.
         */
        String readFrame() throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (frame.size() == 0) {
                        return null;
                    }
                    throw new EOFException("EOF inside a frame: " + frame.toString(StandardCharsets.UTF_8));
                }
                if (b == '\n' || b == 0) {
                    lastTerminator = b;
                    return frame.toString(StandardCharsets.UTF_8);
                }
                frame.write(b);
            }
        }

        /** Reads the next frame and fails unless there is one. */
        String expectFrame() throws IOException {
            String f = readFrame();
            assertThat(f).as("a frame, not EOF").isNotNull();
            return f;
        }

        /** Fails unless the next read is a clean EOF (not a frame, not a reset, not a timeout). */
        void expectEof() throws IOException {
            String f = readFrame();
            assertThat(f).as("EOF expected but got a frame").isNull();
        }

        /** Whether the server ended the connection: a clean EOF or a reset (both count as closed). */
        boolean readsClosed() throws IOException {
            try {
                while (true) {
                    int b = in.read();
                    if (b < 0) {
                        return true;
                    }
                }
            } catch (SocketException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Every live thread whose name starts with one of the prefixes. */
    static List<String> liveThreads(String... prefixes) {
        List<String> names = new CopyOnWriteArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            for (String p : prefixes) {
                if (t.isAlive() && t.getName().startsWith(p)) {
                    names.add(t.getName());
                }
            }
        }
        return Collections.unmodifiableList(names);
    }
}
