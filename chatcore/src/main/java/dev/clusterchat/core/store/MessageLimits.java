package dev.clusterchat.core.store;

import java.util.List;
import java.util.Objects;

/**
 * What every store takes in a {@link NewMessage}, checked before anything is stored so that all
 * stores accept and reject the same messages. Stateless.
 */
public final class MessageLimits {
    /** The longest client time string a store takes, in code points (what the service accepts). */
    public static final int MAX_TIME_LENGTH = 64;
    /** The longest text a store takes, in UTF-8 bytes (MariaDB's MEDIUMTEXT). */
    public static final int MAX_TEXT_BYTES = 16_777_215;

    private MessageLimits() {
    }

    /**
     * Thread-safe: returns a copy of the list, or throws IllegalArgumentException naming the field
     * (and NullPointerException for a null list or element) if any message does not fit.
     */
    public static List<NewMessage> check(List<NewMessage> messages) {
        List<NewMessage> copy = List.copyOf(Objects.requireNonNull(messages, "messages"));
        for (NewMessage m : copy) {
            checkLength("senderName", m.senderName(), ChatStore.MAX_NAME_LENGTH);
            checkLength("cmid", m.cmid(), NewMessage.MAX_CMID_LENGTH);
            checkLength("time", m.time(), MAX_TIME_LENGTH);
            checkTextBytes(m.text());
        }
        return copy;
    }

    /** Thread-safe: returns a page size, or throws IllegalArgumentException if it is negative. */
    public static int checkLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit cannot be negative: " + limit);
        }
        return limit;
    }

    private static void checkLength(String parameter, String value, int max) {
        if (value != null && value.length() > max) { // code points never outnumber chars
            int length = value.codePointCount(0, value.length());
            if (length > max) {
                throw new IllegalArgumentException(parameter + " cannot be longer than " + max + " characters: "
                        + length);
            }
        }
    }

    private static void checkTextBytes(String text) {
        if ((long) text.length() * 3 <= MAX_TEXT_BYTES) { // a char is at most 3 bytes; a pair of 2 is 4
            return;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        if (bytes > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("text cannot be longer than " + MAX_TEXT_BYTES + " UTF-8 bytes: " + bytes);
        }
    }
}
