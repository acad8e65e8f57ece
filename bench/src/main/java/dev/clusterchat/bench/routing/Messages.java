package dev.clusterchat.bench.routing;

/**
 * The chat messages the bench routes: shaped like chatd's (a JSON object with msgid, sender,
 * recipient, text, time), padded to a fixed size, with the send's {@link System#nanoTime} as the
 * first word of the text so the receiver can time the delivery. Thread-safe (stateless).
 */
final class Messages {
    private static final String TEXT = "\"msg\":\"";

    private Messages() {
    }

    /** A one-to-one ({@code group} false) or group message of about {@code size} bytes. */
    static String of(long from, long to, boolean group, long sentAt, int size) {
        StringBuilder sb = new StringBuilder(size + 32);
        sb.append("{\"msgid\":").append(group ? 10 : 5).append(",\"id\":").append(from)
                .append(",\"name\":\"user").append(from).append(group ? "\",\"groupid\":" : "\",\"toid\":").append(to)
                .append(',').append(TEXT).append(sentAt).append(' ');
        String tail = "\",\"time\":\"2025-01-01 12:00:00\"}";
        while (sb.length() + tail.length() < size) {
            sb.append('x');
        }
        return sb.append(tail).toString();
    }

    /** The send time written by {@link #of}. */
    static long sentAt(String message) {
        int i = message.indexOf(TEXT) + TEXT.length();
        long v = 0;
        for (char c; i < message.length() && (c = message.charAt(i)) != ' '; i++) {
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
