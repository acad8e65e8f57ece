package dev.clusterchat.core.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * A growable byte buffer with muduo's two indexes.
 *
 * <pre>
 * +-------------------+------------------+------------------+
 * | discardable bytes |  readable bytes  |  writable bytes  |
 * +-------------------+------------------+------------------+
 * 0        &lt;=     readerIndex   &lt;=   writerIndex    &lt;=   capacity
 * </pre>
 *
 * <p>Not thread-safe: a buffer belongs to one connection, and so to one loop.
 */
public final class Buffer {
    private byte[] array;
    /** A view of {@code array}, replaced when the array grows: no wrapper allocated per read or write. */
    private ByteBuffer view;
    private int readerIndex;
    private int writerIndex;

    public Buffer(int initialCapacity) {
        if (initialCapacity < 1) {
            throw new IllegalArgumentException("initialCapacity must be at least 1: " + initialCapacity);
        }
        array = new byte[initialCapacity];
        view = ByteBuffer.wrap(array);
    }

    public int readableBytes() {
        return writerIndex - readerIndex;
    }

    public boolean isEmpty() {
        return writerIndex == readerIndex;
    }

    public int readerIndex() {
        return readerIndex;
    }

    public int writerIndex() {
        return writerIndex;
    }

    public int capacity() {
        return array.length;
    }

    /** The backing array; bytes [readerIndex, writerIndex) are readable. Valid until the next append. */
    public byte[] array() {
        return array;
    }

    /** Marks {@code n} readable bytes as consumed. */
    public void skip(int n) {
        if (n < 0 || n > readableBytes()) {
            throw new IndexOutOfBoundsException("skip " + n + " of " + readableBytes());
        }
        readerIndex += n;
        if (readerIndex == writerIndex) {
            readerIndex = 0;
            writerIndex = 0;
        }
    }

    public void clear() {
        readerIndex = 0;
        writerIndex = 0;
    }

    public void append(byte[] src) {
        append(src, 0, src.length);
    }

    public void append(byte[] src, int offset, int length) {
        ensureWritable(length);
        System.arraycopy(src, offset, array, writerIndex, length);
        writerIndex += length;
    }

    public void append(byte b) {
        ensureWritable(1);
        array[writerIndex++] = b;
    }

    /** Appends the remaining bytes of a heap or direct buffer, leaving its position at its limit. */
    public void append(ByteBuffer src) {
        int n = src.remaining();
        ensureWritable(n);
        src.get(array, writerIndex, n);
        writerIndex += n;
    }

    /** Reads from the channel into the writable space; returns what {@link SocketChannel#read} returns. */
    public int readFrom(SocketChannel ch, int atLeast) throws IOException {
        ensureWritable(atLeast);
        view.limit(array.length).position(writerIndex);
        int n = ch.read(view);
        if (n > 0) {
            writerIndex += n;
        }
        return n;
    }

    /** Writes readable bytes to the channel and consumes what was written; returns the count. */
    public int writeTo(SocketChannel ch) throws IOException {
        view.limit(writerIndex).position(readerIndex);
        int n = ch.write(view);
        if (n > 0) {
            skip(n);
        }
        return n;
    }

    /** Makes room for {@code n} more bytes, first by moving readable bytes to the front, then by growing. */
    public void ensureWritable(int n) {
        if (array.length - writerIndex >= n) {
            return;
        }
        int readable = readableBytes();
        if (readerIndex > 0 && array.length - readable >= n) {
            System.arraycopy(array, readerIndex, array, 0, readable);
        } else {
            int newCap = Math.max(array.length * 2, readable + n);
            if (newCap < 0) {
                throw new OutOfMemoryError("buffer too large");
            }
            byte[] bigger = new byte[newCap];
            System.arraycopy(array, readerIndex, bigger, 0, readable);
            array = bigger;
            view = ByteBuffer.wrap(array);
        }
        readerIndex = 0;
        writerIndex = readable;
    }

    /**
     * Index of the first occurrence of LF or NUL in [from, writerIndex), or -1. Reads eight bytes
     * at a time (SWAR: a byte equal to 0 or to 0x0A sets its high bit in the mask).
     */
    public int indexOfTerminator(int from) {
        byte[] a = array;
        int end = writerIndex;
        int i = from;
        for (; i + 8 <= end; i += 8) {
            long v = (long) LONGS.get(a, i);
            long x = v ^ 0x0A0A0A0A0A0A0A0AL;
            long hit = ((v - 0x0101010101010101L) & ~v | (x - 0x0101010101010101L) & ~x) & 0x8080808080808080L;
            if (hit != 0) {
                return i + (Long.numberOfTrailingZeros(hit) >>> 3);
            }
        }
        for (; i < end; i++) {
            byte b = a[i];
            if (b == '\n' || b == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Little-endian eight-byte view of a byte array: the lowest byte comes first. */
    static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    @Override
    public String toString() {
        return "Buffer[r=" + readerIndex + ", w=" + writerIndex + ", cap=" + array.length + "]";
    }

    /** For tests: the readable bytes as a copy. */
    byte[] readableCopy() {
        return Arrays.copyOfRange(array, readerIndex, writerIndex);
    }
}
