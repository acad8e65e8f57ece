package dev.clusterchat.core.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The codec without sockets: bytes in, frames and errors out. */
class FrameDecoderTest {

    /** Records what the decoder hands out: "F:text", "N:text" (NUL-ended) or "E:ERROR". */
    static final class Recorder implements FrameDecoder.Sink {
        final List<String> events = new ArrayList<>();
        /** How many frames to accept before answering false (stop); negative: never stop. */
        int stopAfterFrames = -1;

        @Override
        public boolean onFrame(String frame, boolean nul) {
            events.add((nul ? "N:" : "F:") + frame);
            return stopAfterFrames < 0 || events.size() < stopAfterFrames;
        }

        @Override
        public boolean onError(FrameError error) {
            events.add("E:" + error);
            return true;
        }
    }

    private final Buffer buffer = new Buffer(64);
    private final Recorder sink = new Recorder();

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] hex(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private boolean feed(FrameDecoder decoder, byte[] chunk) {
        buffer.append(chunk);
        return decoder.decode(buffer, sink);
    }

    private static List<String> decodeInChunks(int max, byte[]... chunks) {
        FrameDecoder d = new FrameDecoder(max);
        Buffer b = new Buffer(8);
        Recorder r = new Recorder();
        for (byte[] c : chunks) {
            b.append(c);
            d.decode(b, r);
        }
        return r.events;
    }

    @Test
    void rejectsANonPositiveMaximum() {
        assertThatThrownBy(() -> new FrameDecoder(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFrameLength");
    }

    @Test
    void aFrameFedByteByByteIsDeliveredOnceAtItsTerminator() {
        FrameDecoder d = new FrameDecoder(1024);
        byte[] frame = bytes("héllo, wörld 😀\n");
        for (int i = 0; i < frame.length - 1; i++) {
            assertThat(feed(d, new byte[] {frame[i]})).isTrue();
            assertThat(sink.events).as("nothing before the terminator (byte %d)", i).isEmpty();
        }
        feed(d, new byte[] {'\n'});
        assertThat(sink.events).containsExactly("F:héllo, wörld 😀");
        assertThat(buffer.isEmpty()).isTrue();
    }

    @Test
    void aLongFrameFedByteByByteTakesLinearTime() {
        // a decoder that rescanned from the frame's start on every byte would need ~n²/2 steps:
        // ~1.8e9 for 60 KiB and ~1.4e11 for 512 KiB, far beyond the timeout; linear is a few ms
        for (int size : new int[] {60 * 1024, 512 * 1024}) {
            byte[] frame = new byte[size];
            Arrays.fill(frame, (byte) 'a');
            FrameDecoder d = new FrameDecoder(1024 * 1024);
            Buffer b = new Buffer(4096);
            Recorder r = new Recorder();
            assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
                for (byte x : frame) {
                    b.append(x);
                    d.decode(b, r);
                }
                b.append((byte) '\n');
                d.decode(b, r);
            }, size + " bytes fed one at a time");
            assertThat(r.events).hasSize(1);
            assertThat(r.events.get(0)).hasSize(2 + size);
        }
    }

    @Test
    void aThousandFramesInOneChunk() {
        StringBuilder chunk = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            chunk.append("frame-").append(i).append('\n');
            expected.add("F:frame-" + i);
        }
        assertThat(feed(new FrameDecoder(1024), bytes(chunk.toString()))).isTrue();
        assertThat(sink.events).containsExactlyElementsOf(expected);
        assertThat(buffer.isEmpty()).isTrue();
    }

    @Test
    void framesSplitAtEveryPositionAcrossTwoChunks() {
        byte[] all = concat(bytes("alpha\nβeta\r\n€uro"), new byte[] {0}, bytes("😀x\n\n"),
                hex(0xE0, 0x80, 0x80), bytes("\nlast\n"));
        List<String> expected = List.of("F:alpha", "F:βeta", "N:€uro", "F:😀x", "E:INVALID_UTF8", "F:last");
        assertThat(decodeInChunks(64, all)).containsExactlyElementsOf(expected);
        for (int split = 0; split <= all.length; split++) {
            List<String> events = decodeInChunks(64,
                    Arrays.copyOfRange(all, 0, split), Arrays.copyOfRange(all, split, all.length));
            assertThat(events).as("split at %d", split).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void anIncompleteTailStaysInTheBuffer() {
        FrameDecoder d = new FrameDecoder(64);
        feed(d, bytes("one\ntw"));
        assertThat(sink.events).containsExactly("F:one");
        assertThat(buffer.readableCopy()).isEqualTo(bytes("tw"));
        feed(d, bytes("o\n"));
        assertThat(sink.events).containsExactly("F:one", "F:two");
    }

    @Test
    void anOversizeFrameWithATerminatorIsOneErrorAndStopsDecodingAtOnce() {
        FrameDecoder d = new FrameDecoder(16);
        boolean more = feed(d, bytes("ok\n" + "x".repeat(17) + "\nafter\n"));

        assertThat(more).isFalse();
        assertThat(d.failed()).isTrue();
        assertThat(sink.events).containsExactly("F:ok", "E:TOO_LONG");

        assertThat(feed(d, bytes("later\n"))).isFalse();
        assertThat(sink.events).as("a failed decoder decodes nothing more").containsExactly("F:ok", "E:TOO_LONG");
    }

    @Test
    void anOversizeFrameWithoutATerminatorFailsAsSoonAsItIsTooLong() {
        FrameDecoder d = new FrameDecoder(16);
        boolean more = feed(d, bytes("x".repeat(100)));
        assertThat(more).isFalse();
        assertThat(sink.events).containsExactly("E:TOO_LONG");

        assertThat(feed(d, bytes("\nafter\n"))).isFalse();
        assertThat(sink.events).containsExactly("E:TOO_LONG");
    }

    @Test
    void anOversizeFrameFedByteByByteWithoutATerminatorFailsOnce() {
        FrameDecoder d = new FrameDecoder(16);
        for (int i = 0; i < 200; i++) {
            feed(d, bytes("x"));
            if (i < 17) {
                assertThat(sink.events).as("16 bytes and a possible CR may still become a frame").isEmpty();
            }
        }
        assertThat(sink.events).containsExactly("E:TOO_LONG");
        assertThat(d.failed()).isTrue();
    }

    @Test
    void oversizeWithCrlfIsStillTooLong() {
        FrameDecoder d = new FrameDecoder(16);
        feed(d, bytes("y".repeat(17) + "\r\nafter\n"));
        assertThat(sink.events).containsExactly("E:TOO_LONG");
    }

    @Test
    void aFrameOfExactlyTheMaximumLengthIsAccepted() {
        String max = "m".repeat(16);
        for (String terminator : List.of("\n", "\r\n", "\0")) {
            // whole, and byte by byte (the decoder must wait, not fail, while max+CR bytes are pending)
            assertThat(decodeInChunks(16, bytes(max + terminator + "next\n")))
                    .as("terminator %s", terminator.replace("\r", "CR").replace("\n", "LF").replace("\0", "NUL"))
                    .containsExactly((terminator.equals("\0") ? "N:" : "F:") + max, "F:next");
            byte[] all = bytes(max + terminator + "next\n");
            byte[][] singles = new byte[all.length][];
            for (int i = 0; i < all.length; i++) {
                singles[i] = new byte[] {all[i]};
            }
            assertThat(decodeInChunks(16, singles))
                    .containsExactly((terminator.equals("\0") ? "N:" : "F:") + max, "F:next");
        }
    }

    @Test
    void nulAndLfTerminatorsAreReported() {
        FrameDecoder d = new FrameDecoder(64);
        feed(d, concat(bytes("legacy"), new byte[] {0}, bytes("modern\n")));
        assertThat(sink.events).containsExactly("N:legacy", "F:modern");
    }

    @Test
    void aCrBeforeLfIsStripped() {
        FrameDecoder d = new FrameDecoder(64);
        feed(d, bytes("crlf\r\nmid\rdle\n"));
        assertThat(sink.events).containsExactly("F:crlf", "F:mid\rdle");
    }

    @Test
    void emptyFramesAreIgnored() {
        FrameDecoder d = new FrameDecoder(64);
        feed(d, concat(bytes("\n\r\n\n"), new byte[] {0, 0}, bytes("a\n"), new byte[] {0}, bytes("\r\n")));
        assertThat(sink.events).containsExactly("F:a");
        assertThat(buffer.isEmpty()).isTrue();
    }

    @Test
    void invalidUtf8IsAnErrorAndTheNextFrameStillDecodes() {
        Map<String, byte[]> bad = Map.ofEntries(
                Map.entry("overlong 2-byte '/'", hex(0xC0, 0xAF)),
                Map.entry("overlong 2-byte C1", hex(0xC1, 0xBF)),
                Map.entry("overlong 3-byte", hex(0xE0, 0x80, 0xAF)),
                Map.entry("overlong 4-byte", hex(0xF0, 0x80, 0x80, 0xAF)),
                Map.entry("lone continuation", hex(0x80)),
                Map.entry("lone continuation after ascii", hex('a', 0xBF)),
                Map.entry("surrogate D800", hex(0xED, 0xA0, 0x80)),
                Map.entry("surrogate DFFF", hex(0xED, 0xBF, 0xBF)),
                Map.entry("truncated 2-byte", hex('a', 0xC3)),
                Map.entry("truncated 3-byte", hex(0xE2, 0x82)),
                Map.entry("truncated 4-byte", hex(0xF0, 0x9F, 0x98)),
                Map.entry("truncated then ascii", hex(0xE2, 'A', 'B')),
                Map.entry("above U+10FFFF", hex(0xF4, 0x90, 0x80, 0x80)),
                Map.entry("F5", hex(0xF5, 0x80, 0x80, 0x80)),
                Map.entry("F8", hex(0xF8, 0x88, 0x80, 0x80, 0x80)),
                Map.entry("FE", hex(0xFE)),
                Map.entry("FF", hex(0xFF)));
        bad.forEach((name, b) -> {
            for (byte[] terminator : List.of(new byte[] {'\n'}, new byte[] {0})) {
                List<String> events = decodeInChunks(64, concat(b, terminator, bytes("next\n")));
                assertThat(events).as(name).containsExactly("E:INVALID_UTF8", "F:next");
            }
        });
    }

    @Test
    void validMultiByteUtf8Decodes() {
        List<String> texts = List.of(
                "é ß ñ",                       // 2 bytes
                "€ 中文 ✓",                      // 3 bytes
                "😀 👍🏽 𝄞",                      // 4 bytes (surrogate pairs in Java)
                "\u007F\u0080\u07FF\u0800\uD7FF\uE000\uFFFD\uFFFF",
                new String(Character.toChars(0x10000)) + new String(Character.toChars(0x10FFFF)));
        FrameDecoder d = new FrameDecoder(256);
        for (String t : texts) {
            feed(d, bytes(t + "\n"));
        }
        assertThat(sink.events).containsExactlyElementsOf(texts.stream().map(t -> "F:" + t).toList());
    }

    @Test
    void aSinkAnsweringFalseStopsDecodingAtOnce() {
        FrameDecoder d = new FrameDecoder(64);
        sink.stopAfterFrames = 1;
        assertThat(feed(d, bytes("one\ntwo\nthree\n"))).isFalse();
        assertThat(sink.events).containsExactly("F:one");
        assertThat(buffer.readableCopy()).isEqualTo(bytes("two\nthree\n"));
        assertThat(d.failed()).isFalse();

        sink.stopAfterFrames = -1;
        assertThat(d.decode(buffer, sink)).isTrue();
        assertThat(sink.events).containsExactly("F:one", "F:two", "F:three");
    }
}
