package dev.clusterchat.core.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Accepts sockets on the acceptor loop and does nothing else: each accepted socket goes to a
 * callback that hands it to a sub-loop. Loop thread only, but for construction and {@link #port()}.
 */
final class Acceptor implements EventLoop.Handler {
    private static final Logger LOG = Logger.getLogger(Acceptor.class.getName());
    private static final int MAX_ACCEPTS_PER_WAKEUP = 64;

    private final EventLoop loop;
    private final ServerSocketChannel server;
    private final Consumer<SocketChannel> onAccept;
    private final int port;

    /** Binds now, so a taken port fails in the caller's thread. */
    Acceptor(EventLoop loop, InetSocketAddress address, int backlog, Consumer<SocketChannel> onAccept) throws IOException {
        this.loop = loop;
        this.onAccept = onAccept;
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, backlog);
            this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /** Thread-safe: the bound port. */
    int port() {
        return port;
    }

    /** Loop thread only: starts accepting. */
    void listenInLoop() throws IOException {
        loop.register(server, SelectionKey.OP_ACCEPT, this);
    }

    /** Loop thread only: stops accepting and releases the port. */
    void closeInLoop() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing listening socket", e);
        }
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                // e.g. EMFILE: the socket stays ready, so pause accepting briefly instead of spinning
                LOG.log(Level.WARNING, "accept failed, pausing 100 ms: " + e.getMessage());
                key.interestOps(0);
                loop.schedule(100, java.util.concurrent.TimeUnit.MILLISECONDS, () -> {
                    if (key.isValid()) {
                        key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                });
                return;
            }
            if (ch == null) {
                return;
            }
            onAccept.accept(ch);
        }
    }

    @Override
    public void onFailure(Throwable t) {
        LOG.log(Level.SEVERE, "acceptor failed", t);
    }
}
