package dev.clusterchat.core.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A framed TCP server: one acceptor loop plus a {@link LoopGroup} of sub-loops that own the
 * connections.
 *
 * <pre>
 *   acceptor loop ── accept ──> next sub-loop (round-robin) ── register on that loop's thread
 *   sub-loop i: read ─> FrameDecoder ─> FrameHandler.onFrame ─> send ─> flush at end of round
 * </pre>
 *
 * <p>Thread safety: every public method is thread-safe. {@link #start()} once, {@link #stop} once.
 */
public final class TcpServer {
    private static final Logger LOG = Logger.getLogger(TcpServer.class.getName());
    /** How often each loop's {@link LagProbe} fires. */
    private static final long LAG_PROBE_MILLIS = 250;

    private final ServerConfig config;
    private final FrameHandler handler;
    private final EventLoop acceptorLoop;
    private final LoopGroup group;
    private final List<LagProbe> lagProbes;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    /** Refused connections still being told so (bounded: beyond it they are closed without a word). */
    private final AtomicInteger refusing = new AtomicInteger();
    private static final int MAX_REFUSING = 1024;
    private final Object drained = new Object();
    private volatile Acceptor acceptor;
    private volatile boolean started;
    private volatile boolean stopping;

    public TcpServer(ServerConfig config, FrameHandler handler) {
        this.config = Objects.requireNonNull(config, "config");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.acceptorLoop = new EventLoop("chat-acceptor");
        this.group = new LoopGroup("chat-io", config.ioThreads());
        this.lagProbes = Stream.concat(Stream.of(acceptorLoop), group.loops().stream())
                .map(loop -> new LagProbe(loop, LAG_PROBE_MILLIS, TimeUnit.MILLISECONDS)).toList();
    }

    /**
     * Binds and starts the loops. A port that cannot be bound fails here, in the caller's thread.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public synchronized TcpServer start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        Acceptor a;
        try {
            a = new Acceptor(acceptorLoop, new InetSocketAddress(config.host(), config.port()), config.backlog(), this::onAccept);
        } catch (IOException e) {
            // the loops never started: release their selectors
            acceptorLoop.shutdown();
            group.loops().forEach(EventLoop::shutdown);
            throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        acceptor = a;
        started = true;
        group.start();
        acceptorLoop.start();
        lagProbes.forEach(LagProbe::start);
        CompletableFuture<Void> listening = new CompletableFuture<>();
        acceptorLoop.execute(() -> {
            try {
                a.listenInLoop();
                listening.complete(null);
            } catch (Throwable t) {
                listening.completeExceptionally(t);
            }
        });
        await(listening, "start listening");
        return this;
    }

    /** Thread-safe: the bound port (useful after binding port 0). */
    public int port() {
        Acceptor a = acceptor;
        if (a == null) {
            throw new IllegalStateException("not started");
        }
        return a.port();
    }

    public ServerConfig config() {
        return config;
    }

    /** Thread-safe: the sub-loops (to hand a fan-out message once to each). */
    public LoopGroup loops() {
        return group;
    }

    /** Thread-safe: connections open right now. */
    public int connectionCount() {
        return open.get();
    }

    /** Thread-safe: connections accepted since start. */
    public long acceptedCount() {
        return accepted.get();
    }

    /** Thread-safe: connections refused because of {@link ServerConfig#maxConnections()}. */
    public long rejectedCount() {
        return rejected.get();
    }

    /** Thread-safe: how late each loop ran its timers lately, the acceptor's first (all zero before start). */
    public List<LoopLag> loopLag() {
        return lagProbes.stream().map(p -> new LoopLag(p.loopName(), p.lagNanos(), p.maxLagNanos())).toList();
    }

    private void onAccept(SocketChannel ch) {
        if (stopping) {
            closeQuietly(ch);
            return;
        }
        if (config.maxConnections() > 0 && open.get() >= config.maxConnections()) {
            rejected.incrementAndGet();
            refuse(ch);
            return;
        }
        long id = accepted.incrementAndGet();
        open.incrementAndGet();
        EventLoop loop = group.next();
        loop.execute(() -> {
            Connection c = null;
            try {
                configure(ch);
                c = new Connection(id, loop, ch, handler, config, this::onConnectionClosed);
                c.openInLoop();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "cannot open accepted connection " + id, t);
                if (c != null) {
                    c.onFailure(t);
                } else {
                    closeQuietly(ch);
                    onConnectionClosed();
                }
            }
        });
    }

    private void configure(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (!config.keepAlive().isZero()) {
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            try {
                ch.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, (int) Math.min(Integer.MAX_VALUE, config.keepAlive().toSeconds()));
                ch.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 10);
                ch.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
            } catch (UnsupportedOperationException e) {
                LOG.log(Level.FINE, "keepalive timing not supported here; using the system's", e);
            }
        }
    }

    /**
     * Acceptor thread: tells a connection over the limit why (with a lingering close, so the words
     * are not lost to a reset) and closes it. It does not count as open.
     */
    private void refuse(SocketChannel ch) {
        byte[] why = handler.rejection();
        if (why == null || refusing.get() >= MAX_REFUSING) {
            closeQuietly(ch);
            return;
        }
        refusing.incrementAndGet();
        EventLoop loop = group.next();
        loop.execute(() -> {
            Connection c = null;
            try {
                c = new Connection(-1, loop, ch, new Refusal(why), config, refusing::decrementAndGet);
                c.openInLoop();
            } catch (Throwable t) {
                LOG.log(Level.FINE, "cannot refuse a connection politely", t);
                if (c != null) {
                    c.onFailure(t);
                } else {
                    closeQuietly(ch);
                    refusing.decrementAndGet();
                }
            }
        });
    }

    /** Sends the rejection and closes; ignores whatever the peer sends meanwhile. */
    private record Refusal(byte[] why) implements FrameHandler {
        @Override
        public void onOpen(Connection c) {
            c.sendEncoded(why);
            c.close();
        }

        @Override
        public void onFrame(Connection c, String frame) {
        }
    }

    private void onConnectionClosed() {
        if (open.decrementAndGet() == 0 && stopping) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /**
     * Graceful stop: stop accepting, close every connection after flushing its output, wait for them
     * up to the timeout (then drop the rest), and join every loop thread. Idempotent.
     */
    public void stop(Duration timeout) {
        synchronized (this) {
            if (!started || stopping) {
                return;
            }
            stopping = true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        acceptorLoop.execute(() -> {
            acceptor.closeInLoop();
            closed.complete(null);
        });
        await(closed, "stop accepting");
        for (EventLoop loop : group.loops()) {
            loop.execute(() -> loop.forEachConnection(Connection::close));
        }
        synchronized (drained) {
            long left;
            while (open.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (open.get() > 0) {
            LOG.warning(open.get() + " connections did not close in " + timeout + "; dropping them");
            for (EventLoop loop : group.loops()) {
                loop.execute(() -> loop.forEachConnection(Connection::forceClose));
            }
        }
        acceptorLoop.shutdown();
        try {
            boolean joined = group.shutdown(5, TimeUnit.SECONDS) & acceptorLoop.awaitTermination(5, TimeUnit.SECONDS);
            if (!joined) {
                LOG.warning("some loop threads did not end within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CompletableFuture<Void> f, String what) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out waiting to " + what, e);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
