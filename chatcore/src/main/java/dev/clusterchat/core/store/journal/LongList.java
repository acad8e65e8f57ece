package dev.clusterchat.core.store.journal;

import java.util.Arrays;

/**
 * A growable array of longs, 8 bytes an entry (a {@code List<Long>} takes about 24). Not
 * thread-safe: its owner guards it.
 */
final class LongList {
    private long[] values = new long[4];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size + (size >> 1) + 1);
        }
        values[size++] = value;
    }

    long get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index + " of " + size);
        }
        return values[index];
    }

    int size() {
        return size;
    }

    /** The number of leading values below {@code value}, for a list in ascending order. */
    int countBelow(long value) {
        int i = Arrays.binarySearch(values, 0, size, value);
        return i >= 0 ? i : -i - 1;
    }
}
