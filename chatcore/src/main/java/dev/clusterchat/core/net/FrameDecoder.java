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
    /** The OR of every byte scanned so far in the current frame: its 0x80 bits say "not ASCII". */
    private long highBits;
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
            int end = scan(in.array(), start + scanned, in.writerIndex());
            if (end < 0) {
                scanned = in.readableBytes();
                if (scanned > maxFrameLength + 1) { // +1: a CR that a LF will follow
                    return fail(sink);
                }
                return true;
            }
            scanned = 0;
            boolean ascii = (highBits & HIGH_BITS) == 0;
            highBits = 0;
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
                int kind = ascii ? Utf8.ASCII : Utf8.check(a, start, stop);
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

    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long ELEVENS = 0x0B0B0B0B0B0B0B0BL;

    /**
     * Index of the first LF or NUL in {@code a[from, end)}, or -1; every byte passed over is ORed
     * into {@link #highBits}, so a frame's ASCII-ness is known without a second pass. Eight bytes
     * at a time: {@code (v - 0x0B..) & ~v & 0x80..} flags the bytes below 0x0B, and the lowest flag
     * is always exact; a flagged byte that is neither LF nor NUL (a tab, say) is stepped over.
     */
    private int scan(byte[] a, int from, int end) {
        long bits = highBits;
        int i = from;
        while (i + 8 <= end) {
            long v = (long) Buffer.LONGS.get(a, i);
            long low = (v - ELEVENS) & ~v & HIGH_BITS;
            if (low == 0) {
                bits |= v;
                i += 8;
                continue;
            }
            int k = i + (Long.numberOfTrailingZeros(low) >>> 3);
            for (int j = i; j < k; j++) {
                bits |= a[j] & 0xFF;
            }
            byte b = a[k];
            if (b == '\n' || b == 0) {
                highBits = bits;
                return k;
            }
            bits |= b & 0xFF;
            i = k + 1;
        }
        for (; i < end; i++) {
            byte b = a[i];
            if (b == '\n' || b == 0) {
                highBits = bits;
                return i;
            }
            bits |= b & 0xFF;
        }
        highBits = bits;
        return -1;
    }

    private boolean fail(Sink sink) {
        failed = true;
        sink.onError(FrameError.TOO_LONG);
        return false;
    }
}
