package dev.clusterchat.bench;

import dev.clusterchat.chatctl.bench.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A ping-pong echo load generator on plain java.nio: {@code connections} sockets spread over a few
 * selector threads (not a thread per connection). Each connection keeps exactly one frame in
 * flight. Echoes that complete during the warmup are checked but not counted; those that complete
 * during the measured window are counted and their round trip goes into a {@link Histogram}.
 *
 * <p>Thread safety: {@link #run} is meant to be called from one thread at a time; the selector
 * threads it starts share nothing until they are joined.
 */
final class EchoLoadClient {
    private final InetSocketAddress target;
    private final int connections;
    private final int frameSize;
    private final int threads;

    /**
     * What one run measured. {@code errors} counts echo mismatches and connections lost;
     * {@code serverCpuNanos} is what the probe saw the server spend in the measured window (-1 if unknown).
     */
    record Result(long messages, double seconds, Histogram latency, long errors, long serverCpuNanos) {
        double messagesPerSecond() {
            return messages / seconds;
        }

        /** Server CPU time per echoed message in microseconds, or NaN if unknown. */
        double serverCpuMicrosPerMessage() {
            return serverCpuNanos < 0 || messages == 0 ? Double.NaN : serverCpuNanos / 1e3 / messages;
        }
    }

    EchoLoadClient(InetSocketAddress target, int connections, int frameSize, int threads) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections cannot be less than 1: " + connections);
        }
        if (frameSize < 2) {
            throw new IllegalArgumentException("frameSize cannot be less than 2: " + frameSize);
        }
        if (threads < 1 || threads > connections) {
            throw new IllegalArgumentException("threads must be between 1 and connections: " + threads);
        }
        this.target = target;
        this.connections = connections;
        this.frameSize = frameSize;
        this.threads = threads;
    }

    /**
     * Connects, runs the warmup and the measured window, closes everything, and reports.
     * {@code serverCpuNanos} is read as the window opens and as it closes (return -1 if unknown).
     */
    Result run(Duration warmup, Duration duration, LongSupplier serverCpuNanos) throws IOException, InterruptedException {
        List<Worker> workers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                workers.add(new Worker(t));
            }
            for (int i = 0; i < connections; i++) {
                EchoConnection c = EchoConnection.open(target, frameSize, i);
                workers.get(i % threads).add(c);
            }
            long measureStart = System.nanoTime() + warmup.toNanos();
            long end = measureStart + duration.toNanos();
            List<Thread> running = new ArrayList<>();
            for (Worker w : workers) {
                Thread th = new Thread(() -> w.run(measureStart, end), "echo-client-" + w.index);
                running.add(th);
                th.start();
            }
            sleepUntil(measureStart);
            long cpuAtStart = serverCpuNanos.getAsLong();
            for (Thread th : running) {
                th.join();
            }
            long cpuAtEnd = serverCpuNanos.getAsLong();
            long cpu = cpuAtStart < 0 || cpuAtEnd < 0 ? -1 : cpuAtEnd - cpuAtStart;
            Histogram all = new Histogram();
            long messages = 0;
            long errors = 0;
            for (Worker w : workers) {
                if (w.failure != null) {
                    throw new IOException("client thread " + w.index + " failed: " + w.failure.getMessage(), w.failure);
                }
                all.add(w.latency);
                messages += w.messages;
                errors += w.errors;
            }
            return new Result(messages, duration.toNanos() / 1e9, all, errors, cpu);
        } finally {
            workers.forEach(Worker::close);
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    /** One selector thread and the connections it owns. */
    private static final class Worker {
        private final int index;
        private final Selector selector;
        private final List<EchoConnection> owned = new ArrayList<>();
        private final Histogram latency = new Histogram();
        private long messages;
        private long errors;
        private volatile Throwable failure;

        Worker(int index) throws IOException {
            this.index = index;
            this.selector = Selector.open();
        }

        void add(EchoConnection c) throws IOException {
            owned.add(c);
            c.register(selector);
        }

        void run(long measureStart, long end) {
            try {
                long now = System.nanoTime();
                for (EchoConnection c : owned) {
                    c.send(now);
                }
                while ((now = System.nanoTime()) - end < 0) {
                    long waitMillis = Math.max(1, (end - now) / 1_000_000);
                    if (selector.select(waitMillis) > 0) {
                        handleSelected(measureStart, end);
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private void handleSelected(long measureStart, long end) {
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                EchoConnection c = (EchoConnection) key.attachment();
                if (!key.isValid()) {
                    continue;
                }
                try {
                    if (key.isWritable()) {
                        c.onWritable();
                    }
                    if (key.isReadable()) {
                        int r = c.onReadable();
                        if (r == EchoConnection.ECHOED) {
                            long now = System.nanoTime();
                            if (now - measureStart >= 0 && now - end < 0) {
                                latency.record(now - c.sentAt());
                                messages++;
                            }
                            c.send(now);
                        } else if (r == EchoConnection.MISMATCH) {
                            errors++;
                            c.close(); // the stream is out of step: this connection is done
                        }
                    }
                } catch (IOException e) {
                    errors++;
                    c.close();
                }
            }
        }

        void close() {
            owned.forEach(EchoConnection::close);
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
