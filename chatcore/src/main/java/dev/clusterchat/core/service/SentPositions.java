package dev.clusterchat.core.service;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a client that does not acknowledge stands: a position counts only once the socket has
 * taken the bytes of its frame, so a crash cannot lose what is still in the output buffer. Each
 * message written notes where its frame ends in the connection's output stream; a mark counts once
 * the connection has written that far.
 *
 * <pre>
 *   output stream: | taken by the socket: counted     | output buffer: not yet  |
 *                  0                               written                  queued
 *   marks:           (t,seq,end) ... end &lt;= written  | (t,seq,end) ...
 * </pre>
 *
 * <p>Thread safety: {@link #wrote} on the connection's loop, the rest from any thread; every
 * method holds this object's lock for a few map operations, never for I/O.
 */
final class SentPositions {
    private record Mark(long timeline, long seq, long end) {
    }

    /** Marks not counted yet, in stream order (ends never decrease). */
    private final ArrayDeque<Mark> marks = new ArrayDeque<>();
    private final Map<Long, Long> sent = new HashMap<>();

    /**
     * Loop thread: the frame of {@code seq} in {@code timeline} ends at {@code end} of the output
     * stream (or nothing was sent for it: it counts once everything before {@code end} has).
     * {@code written} is what the socket has taken so far.
     */
    synchronized void wrote(long timeline, long seq, long end, long written) {
        count(written); // keeps the marks down to what is in flight
        marks.add(new Mark(timeline, seq, end));
    }

    /** Any thread: the positions whose frames ended within the first {@code written} bytes. */
    synchronized Map<Long, Long> sent(long written) {
        count(written);
        return new HashMap<>(sent);
    }

    /** Any thread: whether some frame noted does not end within the first {@code written} bytes. */
    synchronized boolean inFlight(long written) {
        count(written);
        return !marks.isEmpty();
    }

    private void count(long written) {
        Mark m;
        while ((m = marks.peek()) != null && m.end() <= written) {
            marks.poll();
            sent.merge(m.timeline(), m.seq(), Math::max);
        }
    }
}
