package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;

/**
 * What a bench message carries in its text: {@code "<seq> <send System.nanoTime()> "} padded with
 * 'x' to the message size, so a receiver can check order and measure latency. Stateless.
 */
record Stamp(int seq, long sentAt) {

    /** The text for message {@code seq} sent at {@code sentAt}, at least {@code size} characters. */
    static String text(long seq, long sentAt, int size) {
        String head = seq + " " + sentAt + " ";
        return head.length() >= size ? head : head + "x".repeat(size - head.length());
    }

    /** The stamp of a received message, or null if it is an error or carries no text. */
    static Stamp of(JsonObject m) {
        if (Harness.errno(m) != 0 || !m.has("msg")) {
            return null;
        }
        String text = m.get("msg").getAsString();
        int a = text.indexOf(' ');
        int b = text.indexOf(' ', a + 1);
        return new Stamp(Integer.parseInt(text, 0, a, 10), Long.parseLong(text, a + 1, b, 10));
    }
}
