package dev.clusterchat.chatctl;

import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** A Writer that keeps what was written and lets a test wait (with a timeout) for it to show up. Thread-safe. */
final class Capture extends Writer {
    private final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void write(char[] cbuf, int off, int len) {
        text.append(cbuf, off, len);
        notifyAll();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    synchronized String text() {
        return text.toString();
    }

    List<String> lines() {
        String t = text();
        return t.isEmpty() ? List.of() : List.of(t.split("\n"));
    }

    /** Waits until the text contains {@code s}; fails after {@code timeout}. */
    String awaitContains(String s, Duration timeout) {
        return await(t -> t.contains(s), timeout, "'" + s + "'");
    }

    synchronized String await(Predicate<String> condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(text.toString())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + timeout + "; got:\n" + text);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return text.toString();
    }
}
