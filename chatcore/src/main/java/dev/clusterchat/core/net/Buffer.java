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
    private int readerIndex;
    private int writerIndex;

    public Buffer(int initialCapacity) {
        if (initialCapacity < 1) {
            throw new IllegalArgumentException("initialCapacity must be at least 1: " + initialCapacity);
        }
        array = new byte[initialCapacity];
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
        int n = ch.read(ByteBuffer.wrap(array, writerIndex, array.length - writerIndex));
        if (n > 0) {
            writerIndex += n;
        }
        return n;
    }

    /** Writes readable bytes to the channel and consumes what was written; returns the count. */
    public int writeTo(SocketChannel ch) throws IOException {
        int n = ch.write(ByteBuffer.wrap(array, readerIndex, readableBytes()));
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
        }
        readerIndex = 0;
        writerIndex = readable;
    }

    /** Index of the first occurrence of LF or NUL in [from, writerIndex), or -1. */
    public int indexOfTerminator(int from) {
        byte[] a = array;
        for (int i = from, end = writerIndex; i < end; i++) {
            byte b = a[i];
            if (b == '\n' || b == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "Buffer[r=" + readerIndex + ", w=" + writerIndex + ", cap=" + array.length + "]";
    }

    /** For tests: the readable bytes as a copy. */
    byte[] readableCopy() {
        return Arrays.copyOfRange(array, readerIndex, writerIndex);
    }
}
