package dev.clusterchat.core.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole frames out of an output buffer whose head frame may be partly written: what a slow reader
 * that is dropped did not receive, given back frame by frame (frames end in LF or NUL, and JSON
 * text never holds either raw).
 *
 * <pre>
 *   written ... | head frame: [headWritten][rest of it]\\n | next frame\\n | ...
 *                             ^ gone from the buffer ^ readerIndex
 * </pre>
 *
 * <p>Thread safety: stateless; the caller owns the buffer (its loop thread).
 */
final class UnsentFrames {
    private UnsentFrames() {
    }

    /**
     * After a write of {@code written} bytes left output pending: the written start of the frame
     * now at the head, or null if the write ended on a frame boundary. A short backward scan, done
     * only when a write stops short (a slow reader).
     */
    static byte[] headAfterWrite(byte[] headBefore, Buffer out, int written) {
        if (written <= 0) {
            return headBefore;
        }
        byte[] a = out.array();
        int end = out.readerIndex();
        int i = end - 1;
        while (i >= end - written && a[i] != '\n' && a[i] != 0) {
            i--;
        }
        if (i >= end - written) {
            return i + 1 == end ? null : Arrays.copyOfRange(a, i + 1, end);
        }
        byte[] before = headBefore == null ? new byte[0] : headBefore;
        byte[] joined = Arrays.copyOf(before, before.length + written);
        System.arraycopy(a, end - written, joined, before.length, written);
        return joined;
    }

    /** The pending frames of {@code out}, the first completed by {@code head}; leaves {@code out} as it is. */
    static List<byte[]> split(byte[] head, Buffer out) {
        List<byte[]> frames = new ArrayList<>();
        byte[] a = out.array();
        int start = out.readerIndex();
        int end = out.writerIndex();
        for (int i = start; i < end; i++) {
            if (a[i] == '\n' || a[i] == 0) {
                byte[] f;
                if (head != null) {
                    f = Arrays.copyOf(head, head.length + (i - start));
                    System.arraycopy(a, start, f, head.length, i - start);
                    head = null;
                } else {
                    f = Arrays.copyOfRange(a, start, i);
                }
                frames.add(f);
                start = i + 1;
            }
        }
        return frames;
    }
}
