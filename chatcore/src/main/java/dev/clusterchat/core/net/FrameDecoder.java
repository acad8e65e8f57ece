package dev.clusterchat.core.net;

import java.nio.charset.StandardCharsets;

/**
 * Splits bytes into frames: one UTF-8 text per frame, ended by LF (a CR before it is dropped) or by
 * NUL (how the seed C++ client ends its frames). Empty frames are skipped.
 *
 * <p>State management: one decoder per connection; it remembers how far it has already scanned, so
 * a frame trickling in byte by byte costs linear time. Not thread-safe: loop thread only.
 */
public final class FrameDecoder {
    /** Receives what the decoder finds; returning false stops decoding at once. */
    public interface Sink {
        /** A complete frame; {@code nul} says it was ended by NUL rather than LF. */
        boolean onFrame(String frame, boolean nul);

        /** Bytes that cannot become a frame. After {@link FrameError#TOO_LONG} decoding stops. */
        boolean onError(FrameError error);
    }

    private final int maxFrameLength;
    /** Readable bytes after the buffer's reader index already known to hold no terminator. */
    private int scanned;
    private boolean failed;

    public FrameDecoder(int maxFrameLength) {
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("maxFrameLength must be at least 1: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** Whether a fatal error (too long) has been seen; a failed decoder decodes nothing more. */
    public boolean failed() {
        return failed;
    }

    /**
     * Consumes every complete frame in {@code in}, handing each to the sink; leaves an incomplete
     * tail in the buffer. Returns false when the sink asked to stop or the input was fatally bad.
     */
    public boolean decode(Buffer in, Sink sink) {
        if (failed) {
            return false;
        }
        while (!in.isEmpty()) {
            int start = in.readerIndex();
            int end = in.indexOfTerminator(start + scanned);
            if (end < 0) {
                scanned = in.readableBytes();
                if (scanned > maxFrameLength + 1) { // +1: a CR that a LF will follow
                    return fail(sink);
                }
                return true;
            }
            scanned = 0;
            byte[] a = in.array();
            boolean nul = a[end] == 0;
            int stop = end;
            if (!nul && stop > start && a[stop - 1] == '\r') {
                stop--;
            }
            int length = stop - start;
            if (length > maxFrameLength) {
                in.skip(end + 1 - start);
                return fail(sink);
            }
            String frame = null;
            boolean valid = true;
            if (length > 0) {
                int kind = Utf8.check(a, start, stop);
                if (kind == Utf8.ASCII) {
                    frame = new String(a, start, length, StandardCharsets.ISO_8859_1); // a plain copy
                } else if (kind == Utf8.VALID) {
                    frame = new String(a, start, length, StandardCharsets.UTF_8);
                } else {
                    valid = false;
                }
            }
            in.skip(end + 1 - start);
            if (!valid) {
                if (!sink.onError(FrameError.INVALID_UTF8)) {
                    return false;
                }
            } else if (frame != null && !sink.onFrame(frame, nul)) {
                return false;
            }
        }
        return true;
    }

    private boolean fail(Sink sink) {
        failed = true;
        sink.onError(FrameError.TOO_LONG);
        return false;
    }
}
