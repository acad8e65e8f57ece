package dev.clusterchat.core.net;

/**
 * What a {@link TcpServer} calls as connections come and go and frames arrive. Every callback runs
 * on the connection's own loop thread, so an implementation may touch that connection's state
 * without locks; it must never block (hand blocking work to a worker pool and come back with
 * {@link Connection#loop()}{@code .execute}). One instance serves every connection: keep
 * per-connection state in {@link Connection#attach}.
 */
public interface FrameHandler {
    /** The connection is registered and readable. */
    default void onOpen(Connection c) {
    }

    /** One complete frame (a UTF-8 text without its terminator). Exceptions close that connection. */
    void onFrame(Connection c, String frame);

    /**
     * Bytes that could not become a frame. After {@link FrameError#TOO_LONG} the server reads nothing
     * more from the connection (what comes is dropped) and {@link #onInputEnded} follows. After
     * {@link FrameError#INCOMPLETE} the server closes the connection (flushing whatever this
     * callback sent) and reads nothing more from it.
     */
    default void onFrameError(Connection c, FrameError error) {
    }

    /**
     * Output waiting for a slow reader passed the high-water mark. The default drops the connection,
     * so one client that stops reading can never grow the server's memory without bound; what was
     * queued for it comes back through {@link #onUnsent}.
     */
    default void onHighWaterMark(Connection c, long pendingBytes) {
        c.forceClose();
    }

    /**
     * The peer finished sending (half-close: its FIN was read), or sent a frame too long, after which
     * nothing more is read; every frame before has been passed to {@link #onFrame}. The default
     * closes the connection once pending output is flushed. A handler that answers asynchronously
     * closes later, after its last answer.
     */
    default void onInputEnded(Connection c) {
        c.close();
    }

    /** Nothing was read for the idle timeout. The default closes the connection. */
    default void onIdle(Connection c) {
        c.close();
    }

    /**
     * Thread-safe (called on the acceptor's loop): the frame, without terminator, sent to a connection
     * refused because the server is at its connection limit, just before it is closed; null closes
     * it without a word. Must be cheap: return a constant.
     */
    default byte[] rejection() {
        return null;
    }

    /**
     * The connection is closing with output the peer never received whole (it stopped reading, reset
     * the connection, or did not drain it within the close timeout): those frames, without their
     * terminators, a partly sent one whole, in order. Called just before {@link #onClose}. Bytes the
     * kernel already accepted count as sent. The default drops them.
     */
    default void onUnsent(Connection c, java.util.List<byte[]> frames) {
    }

    /** The connection is closed (by either side, or by an error); it is no longer registered. */
    default void onClose(Connection c) {
    }
}
