package dev.clusterchat.core.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One TCP connection, owned by one {@link EventLoop} for life: its buffers, state, decoder and
 * attachment are touched only on that loop's thread. Frames go out with {@link #send}, which is
 * safe from any thread; output is gathered during a loop round and written once at its end, and
 * write interest is set only while output is pending.
 *
 * <pre>
 *   OPEN ──close()──> CLOSING (input read and dropped; flush output, then FIN) ──peer's FIN/timeout──> CLOSED
 *     └────────forceClose(), I/O error, peer reset────────────────────────────────────────────────────^
 * </pre>
 *
 * <p>CLOSING is a lingering close: closing a socket with unread input makes the kernel send RST and
 * drop output it has not sent yet, so replies already sent would be lost whenever the peer kept
 * sending. Instead input is drained until the peer's FIN, bounded by the close timeout.
 */
public final class Connection implements EventLoop.Handler, FrameDecoder.Sink {
    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    private static final byte[] LF = {'\n'};
    private static final byte[] NUL = {0};
    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    private final long id;
    private final EventLoop loop;
    private final SocketChannel channel;
    private final FrameHandler handler;
    private final ServerConfig config;
    private final FrameDecoder decoder;
    private final Runnable onClosed;
    private final SocketAddress remote;
    private SelectionKey key;
    private Buffer input;
    private Buffer output;
    private volatile int state = OPEN;
    private volatile boolean legacy;
    private boolean outputShutdownRequested;
    /** The peer's FIN was read: nothing more will arrive, so closing cannot reset. */
    private boolean inputEnded;
    private boolean queuedForFlush;
    private boolean highWaterFired;
    private long lastReadNanos;
    private EventLoop.Timer idleTimer;
    private EventLoop.Timer closeTimer;
    /** When the incomplete frame at the head of {@link #input} began; armed only while there is one. */
    private long partialSinceNanos;
    private EventLoop.Timer frameTimer;
    /** Frames completed so far (to tell a new incomplete frame from an old one that keeps trickling). */
    private long framesRead;
    /**
     * The part of the head output frame already written, kept only while a write stopped in the
     * middle of a frame (a slow reader), so a close can give back whole frames ({@link FrameHandler#onUnsent}).
     */
    private byte[] headWritten;
    /** Output bytes queued since the connection opened (each frame with its terminator). */
    private long queuedBytes;
    /** Output bytes the socket has taken since the connection opened; read by other threads. */
    private volatile long writtenBytes;
    private Object attachment;
    /** Set once, on the loop thread, when the close begins. */
    private volatile CloseReason closeReason;
    /** Loop thread only: the reason to record if a handler closes during the callback under way. */
    private CloseReason closingFor;

    Connection(long id, EventLoop loop, SocketChannel channel, FrameHandler handler, ServerConfig config,
               Runnable onClosed) {
        this.id = id;
        this.loop = loop;
        this.channel = channel;
        this.handler = handler;
        this.config = config;
        this.decoder = new FrameDecoder(config.maxFrameLength());
        this.onClosed = onClosed;
        SocketAddress r;
        try {
            r = channel.getRemoteAddress();
        } catch (IOException e) {
            r = null;
        }
        this.remote = r;
    }

    /** Loop thread only: registers with the loop and tells the handler. */
    void openInLoop() throws IOException {
        loop.assertInLoop();
        key = loop.register(channel, SelectionKey.OP_READ, this);
        loop.connections.add(this);
        lastReadNanos = loop.roundNanos();
        if (!config.idleTimeout().isZero()) {
            idleTimer = loop.schedule(config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS, this::checkIdle);
        }
        handler.onOpen(this);
    }

    /** Thread-safe: a number unique within its server. */
    public long id() {
        return id;
    }

    /** Thread-safe: the loop that owns this connection. */
    public EventLoop loop() {
        return loop;
    }

    /** Thread-safe: the peer's address, or null if it was unknown at accept. */
    public InetSocketAddress remoteAddress() {
        return remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null;
    }

    /** Thread-safe: the longest frame this connection accepts, in bytes. */
    public int maxFrameLength() {
        return config.maxFrameLength();
    }

    /** Thread-safe: false once close has begun. */
    public boolean isOpen() {
        return state == OPEN;
    }

    /** Thread-safe: true once the socket is closed (a closing connection may still flush output until then). */
    public boolean isClosed() {
        return state == CLOSED;
    }

    /**
     * Thread-safe: whether this peer speaks the legacy dialect (its frames end in NUL). Replies then
     * end in NUL too.
     */
    public boolean isLegacy() {
        return legacy;
    }

    /** Thread-safe: why the connection ended, or null while it is open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** Loop thread only: the object the application keeps with this connection (its session). */
    public Object attachment() {
        return attachment;
    }

    /** Loop thread only. */
    public void attach(Object value) {
        attachment = value;
    }

    /** Thread-safe: output bytes not yet written, as last seen by the loop (approximate elsewhere). */
    public int pendingOutputBytes() {
        Buffer o = output;
        return o == null ? 0 : o.readableBytes();
    }

    /**
     * Loop thread only: output bytes queued since the connection opened, so the frame just sent on
     * this thread ends at this offset of the output stream. With {@link #writtenOutputBytes()} it
     * tells whether a given frame has left:
     * <pre>
     *   output stream: | taken by the socket | pending (pendingOutputBytes) |
     *                  0            writtenOutputBytes            queuedOutputBytes
     * </pre>
     */
    public long queuedOutputBytes() {
        return queuedBytes;
    }

    /**
     * Thread-safe: output bytes the socket has taken since the connection opened (the kernel has
     * them; the peer may not have read them yet). Final once the connection is closed: what was
     * pending then was dropped.
     */
    public long writtenOutputBytes() {
        return writtenBytes;
    }

    /** Thread-safe: sends one frame, ended by LF, or by NUL for a legacy peer. Dropped once closing. */
    public void send(String frame) {
        sendEncoded(frame.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Thread-safe: sends one already-encoded UTF-8 frame (without terminator). The array is not
     * copied until it reaches the loop, so the caller must not change it; one array may be shared by
     * many connections (encode a fan-out message once).
     */
    public void sendEncoded(byte[] utf8Frame) {
        if (loop.inLoop()) {
            sendInLoop(utf8Frame);
        } else {
            loop.queue(() -> sendInLoop(utf8Frame));
        }
    }

    private void sendInLoop(byte[] frame) {
        if (state != OPEN) {
            return;
        }
        if (output == null) {
            output = loop.takeBuffer();
        }
        output.append(frame);
        output.append(legacy ? NUL : LF);
        queuedBytes += frame.length + 1;
        scheduleFlush();
        int pending = output.readableBytes();
        if (pending > config.highWaterMark() && !highWaterFired) {
            highWaterFired = true;
            CloseReason outer = closingFor;
            closingFor = CloseReason.HIGH_WATER;
            try {
                handler.onHighWaterMark(this, pending);
            } finally {
                closingFor = outer;
            }
        }
    }

    private void scheduleFlush() {
        if (!queuedForFlush) {
            queuedForFlush = true;
            loop.flushLater(this);
        }
    }

    /**
     * Thread-safe: an orderly close. Frames stop (later input is read and dropped), pending output is
     * flushed and followed by FIN, and the socket is closed once the peer closes its side; a peer
     * that has not done so within the close timeout is dropped.
     */
    public void close() {
        if (loop.inLoop()) {
            closeInLoop();
        } else {
            loop.queue(this::closeInLoop);
        }
    }

    /** Thread-safe: closes now; pending output is discarded. */
    public void forceClose() {
        if (loop.inLoop()) {
            closeNow();
        } else {
            loop.queue(this::closeNow);
        }
    }

    /** Thread-safe: half-close. Pending output is flushed, then our side sends FIN; reading goes on. */
    public void shutdownOutput() {
        loop.execute(() -> {
            if (state == OPEN) {
                outputShutdownRequested = true;
                scheduleFlush();
            }
        });
    }

    private void closeInLoop() {
        loop.assertInLoop();
        if (state != OPEN) {
            return;
        }
        noteCloseReason(null);
        state = CLOSING;
        if (inputEnded && (output == null || output.isEmpty())) {
            closeNow();
        } else {
            closeTimer = loop.schedule(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS, this::closeNow);
            scheduleFlush(); // an empty flush sends FIN at once
        }
    }

    private void closeNow() {
        if (state == CLOSED) {
            return;
        }
        noteCloseReason(null);
        state = CLOSED;
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        if (closeTimer != null) {
            closeTimer.cancel();
        }
        if (frameTimer != null) {
            frameTimer.cancel();
        }
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing connection " + id, e);
        }
        loop.connections.remove(this);
        if (input != null) {
            loop.giveBack(input);
            input = null;
        }
        if (output != null) {
            giveBackUnsent(output);
            loop.giveBack(output);
            output = null;
        }
        onClosed.run();
        try {
            handler.onClose(this);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "onClose threw for connection " + id, t);
        }
    }

    @Override
    public void onReady(SelectionKey k) throws IOException {
        int ready = k.readyOps();
        if ((ready & SelectionKey.OP_READ) != 0) {
            handleRead();
        }
        if ((ready & SelectionKey.OP_WRITE) != 0 && state != CLOSED) {
            flushInLoop();
        }
    }

    /** Loop thread only, first call wins: the given reason, else the callback's, else PEER after a FIN, else SERVER. */
    private void noteCloseReason(CloseReason reason) {
        if (closeReason == null) {
            closeReason = reason != null ? reason
                    : closingFor != null ? closingFor
                    : inputEnded ? CloseReason.PEER : CloseReason.SERVER;
        }
    }

    @Override
    public void onFailure(Throwable t) {
        if (t instanceof IOException) {
            LOG.log(Level.FINE, "connection " + id + " I/O error", t);
            noteCloseReason(CloseReason.PEER); // reset by the peer, broken pipe
        } else {
            LOG.log(Level.WARNING, "connection " + id + " failed; closing it", t);
            noteCloseReason(CloseReason.ERROR);
        }
        closeNow();
    }

    private void handleRead() throws IOException {
        if (state == CLOSING) {
            discardInput();
            return;
        }
        if (state != OPEN) {
            return;
        }
        if (decoder.failed()) {
            discardInput(); // a frame was too long: nothing more is read; the handler closes
            return;
        }
        Buffer in = input != null ? input : loop.sharedInput;
        long framesBefore = framesRead;
        boolean eof = false;
        for (int round = 0; round < 8; round++) {
            in.ensureWritable(4096);
            int writable = in.capacity() - in.writerIndex();
            int n = in.readFrom(channel, 1);
            if (n < 0) {
                eof = true;
                break;
            }
            if (n == 0) {
                break;
            }
            lastReadNanos = loop.roundNanos();
            if (!decoder.decode(in, this) || state != OPEN) {
                break;
            }
            if (n < writable) {
                break; // the socket is drained
            }
        }
        if (decoder.failed()) {
            in.skip(in.readableBytes());
        }
        keepLeftover(in);
        trackIncompleteFrame(framesBefore);
        if (eof && state != CLOSED) {
            endInput();
        }
        if ((eof || decoder.failed()) && state == OPEN) {
            // the peer finished sending, or sent a frame too long and is not read any more: the
            // handler answers what came before, then closes
            try {
                handler.onInputEnded(this);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "onInputEnded threw for connection " + id, t);
                noteCloseReason(CloseReason.ERROR);
                closeInLoop();
            }
        } else if (queuedForFlush && state == OPEN) {
            // answers to what was just read leave now, not after every other ready connection
            // has been read: what one read produced is still written with one syscall
            flushInLoop();
        }
    }

    /**
     * Loop thread only, while CLOSING or after a frame too long: reads and drops input, so that
     * closing sends FIN, not RST.
     */
    private void discardInput() throws IOException {
        Buffer scratch = loop.sharedInput;
        for (int round = 0; round < 8; round++) {
            scratch.clear();
            int n = scratch.readFrom(channel, 1);
            if (n < 0) {
                endInput();
                if (state == CLOSING && (output == null || output.isEmpty())) {
                    closeNow(); // our output is flushed and the peer is done: a clean close
                }
                break;
            }
            if (n == 0) {
                break;
            }
        }
        scratch.clear();
    }

    /** Loop thread only: the peer sent FIN; stop read interest (EOF would stay ready forever). */
    private void endInput() {
        inputEnded = true;
        if (key.isValid()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        }
    }

    /** Moves an incomplete frame out of the loop's shared buffer, or releases an empty own buffer. */
    private void keepLeftover(Buffer in) {
        if (in == loop.sharedInput) {
            if (!in.isEmpty() && state != CLOSED) {
                input = loop.takeBuffer();
                input.append(in.array(), in.readerIndex(), in.readableBytes());
            }
            in.clear();
        } else if (in.isEmpty() && input == in) {
            loop.giveBack(in);
            input = null;
        }
    }

    /**
     * Loop thread only: starts the frame timeout when an incomplete frame is left over; a frame
     * completed in this read means the leftover is a new frame, whose clock starts now.
     */
    private void trackIncompleteFrame(long framesBefore) {
        if (input == null || state != OPEN || config.frameTimeout().isZero()) {
            partialSinceNanos = 0;
            return;
        }
        if (partialSinceNanos == 0 || framesRead != framesBefore) {
            partialSinceNanos = loop.roundNanos();
        }
        if (frameTimer == null) {
            frameTimer = loop.schedule(config.frameTimeout().toNanos(), TimeUnit.NANOSECONDS, this::checkIncompleteFrame);
        }
    }

    private void checkIncompleteFrame() {
        frameTimer = null;
        if (state != OPEN || input == null || partialSinceNanos == 0) {
            return;
        }
        long left = config.frameTimeout().toNanos() - (System.nanoTime() - partialSinceNanos);
        if (left > 0) {
            frameTimer = loop.schedule(left, TimeUnit.NANOSECONDS, this::checkIncompleteFrame);
            return;
        }
        LOG.fine(() -> this + ": frame not completed within " + config.frameTimeout() + "; closing");
        onError(FrameError.INCOMPLETE);
        closeInLoop();
    }

    @Override
    public boolean onFrame(String frame, boolean nul) {
        framesRead++;
        if (nul) {
            legacy = true;
        }
        try {
            handler.onFrame(this, frame);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "handler threw on connection " + id + "; closing it", t);
            noteCloseReason(CloseReason.ERROR);
            closeNow();
        }
        return state == OPEN;
    }

    @Override
    public boolean onError(FrameError error) {
        if (error == FrameError.TOO_LONG || error == FrameError.INCOMPLETE) {
            closingFor = CloseReason.FRAME_ERROR; // the connection ends: whoever closes it, this is why
        }
        try {
            handler.onFrameError(this, error);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "frame error handler threw on connection " + id, t);
            noteCloseReason(CloseReason.ERROR);
            closeNow();
        }
        return state == OPEN && error != FrameError.TOO_LONG;
    }

    /** Loop thread only: writes what is pending; arms or disarms write interest. */
    void flushInLoop() throws IOException {
        queuedForFlush = false;
        if (state == CLOSED) {
            return;
        }
        Buffer out = output;
        if (out != null && !out.isEmpty()) {
            int written = out.writeTo(channel);
            if (written > 0) {
                writtenBytes += written; // only this thread writes it
            }
            if (!out.isEmpty()) {
                headWritten = UnsentFrames.headAfterWrite(headWritten, out, written);
                if ((key.interestOps() & SelectionKey.OP_WRITE) == 0) {
                    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                }
                if (highWaterFired && out.readableBytes() < config.highWaterMark() / 2) {
                    highWaterFired = false;
                }
                return;
            }
        }
        if (out != null) {
            loop.giveBack(out);
            output = null;
        }
        headWritten = null;
        highWaterFired = false;
        if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
        if (state == CLOSING) {
            if (inputEnded) {
                closeNow();
            } else {
                channel.shutdownOutput(); // FIN after our last byte; close when the peer's FIN is read
            }
        } else if (outputShutdownRequested) {
            outputShutdownRequested = false;
            channel.shutdownOutput();
        }
    }

    /**
     * Loop thread only, while closing: hands the frames this peer did not receive whole (without
     * terminators; a partly sent one whole) to {@link FrameHandler#onUnsent}. Bytes the kernel
     * already took count as sent.
     */
    private void giveBackUnsent(Buffer out) {
        if (out.isEmpty()) {
            return;
        }
        java.util.List<byte[]> frames = UnsentFrames.split(headWritten, out);
        headWritten = null;
        try {
            handler.onUnsent(this, frames);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "onUnsent threw for connection " + id, t);
        }
    }

    private void checkIdle() {
        if (state != OPEN) {
            return;
        }
        long idleNanos = config.idleTimeout().toNanos();
        long quiet = System.nanoTime() - lastReadNanos;
        if (quiet >= idleNanos) {
            closingFor = CloseReason.IDLE;
            try {
                handler.onIdle(this);
            } finally {
                closingFor = null;
            }
            if (state == OPEN) {
                idleTimer = loop.schedule(idleNanos, TimeUnit.NANOSECONDS, this::checkIdle);
            }
        } else {
            idleTimer = loop.schedule(idleNanos - quiet, TimeUnit.NANOSECONDS, this::checkIdle);
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + remote + " on " + loop.name() + "]";
    }
}
