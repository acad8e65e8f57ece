package dev.clusterchat.chatctl.bench;

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
    static Stamp of(Frame m) {
        String text = m.msg();
        if (m.errno() != 0 || text == null) {
            return null;
        }
        int a = text.indexOf(' ');
        int b = text.indexOf(' ', a + 1);
        return new Stamp(Integer.parseInt(text, 0, a, 10), Long.parseLong(text, a + 1, b, 10));
    }
}
