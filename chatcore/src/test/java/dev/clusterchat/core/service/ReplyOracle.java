package dev.clusterchat.core.service;

import dev.clusterchat.core.proto.ChatException;
import dev.clusterchat.core.proto.MsgId;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What docs/PROTOCOL.md promises for the bytes one connection sends: how many complete frames they
 * hold and how many replies those get. Frames end at LF (a CR before it dropped) or NUL; empty ones
 * are skipped; one over the maximum gets errno 11 and the connection closes, nothing after it read;
 * every other frame gets exactly one reply, except 3, 6, 7, 8, 9 and 10 once the connection speaks
 * the legacy dialect (a non-empty, UTF-8 frame of it ended in NUL). UTF-8 is checked with the JDK's
 * strict decoder, independently of the server's. Not thread-safe: one per connection.
 */
final class ReplyOracle {
    /** What a stream leads to. {@code replies} counts those before the over-long frame, if any. */
    record Expectation(int frames, int replies, boolean tooLong) {
    }

    private final int maxFrameLength;
    private boolean legacy;
    /** The start of a frame whose terminator has not come yet. */
    private byte[] tail = new byte[0];

    ReplyOracle(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * The expectation for {@code bytes}, sent after everything this oracle has seen; an unterminated
     * tail is kept for the next call, as the server keeps it.
     */
    Expectation next(byte[] bytes) {
        byte[] a = new byte[tail.length + bytes.length];
        System.arraycopy(tail, 0, a, 0, tail.length);
        System.arraycopy(bytes, 0, a, tail.length, bytes.length);
        int frames = 0;
        int replies = 0;
        int start = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != '\n' && a[i] != 0) {
                continue;
            }
            boolean nul = a[i] == 0;
            int stop = !nul && i > start && a[i - 1] == '\r' ? i - 1 : i;
            int length = stop - start;
            int from = start;
            start = i + 1;
            if (length > maxFrameLength) {
                tail = new byte[0];
                return new Expectation(frames + 1, replies, true);
            }
            if (length == 0) {
                continue;
            }
            frames++;
            String text = utf8(a, from, length);
            if (text == null) {
                replies++; // errno 12
                continue;
            }
            legacy |= nul;
            if (!(legacy && seedSilent(text))) {
                replies++;
            }
        }
        tail = Arrays.copyOfRange(a, start, a.length);
        if (tail.length > maxFrameLength + 1) { // +1: a CR that a LF may follow
            tail = new byte[0];
            return new Expectation(frames + 1, replies, true);
        }
        return new Expectation(frames, replies, false);
    }

    /** Whether the frame is a request the seed server never answered (so a legacy peer gets no reply). */
    private static boolean seedSilent(String frame) {
        try {
            return MsgId.seedSilent(Dispatcher.msgid(Dispatcher.parse(frame)));
        } catch (ChatException e) {
            return false; // bad JSON or no usable msgid: an ERROR_MSG reply
        }
    }

    /** The text of a[from, from + length), or null if it is not well-formed UTF-8. */
    private static String utf8(byte[] a, int from, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(a, from, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
