package dev.clusterchat.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8#isValid} must agree with the JDK's strict decoder on every input. */
class Utf8Test {
    private final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private boolean jdkValid(byte[] a, int from, int to) {
        try {
            jdk.reset().decode(ByteBuffer.wrap(a, from, to - from));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Bytes biased towards the interesting ones: leads, continuations, boundaries, whole code points. */
    private static byte[] randomBytes(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pieces = r.nextInt(8);
        for (int i = 0; i < pieces; i++) {
            switch (r.nextInt(6)) {
                case 0 -> out.write(r.nextInt(256));
                case 1 -> out.write(r.nextInt(0x80));
                case 2 -> out.write(0x80 + r.nextInt(0x40)); // continuation
                case 3 -> out.write(0xC0 + r.nextInt(0x40)); // lead bytes, valid or not
                case 4 -> {
                    int cp = switch (r.nextInt(4)) {
                        case 0 -> r.nextInt(0x800);
                        case 1 -> 0x800 + r.nextInt(0x10000 - 0x800);
                        case 2 -> 0x10000 + r.nextInt(0x110000 - 0x10000);
                        default -> 0xD7F0 + r.nextInt(0x20); // around the surrogates
                    };
                    if (cp < 0xD800 || cp > 0xDFFF) {
                        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    } else { // encode the surrogate by hand: invalid in UTF-8
                        out.write(0xE0 | (cp >> 12));
                        out.write(0x80 | ((cp >> 6) & 0x3F));
                        out.write(0x80 | (cp & 0x3F));
                    }
                }
                default -> { // a valid sequence cut short or with a broken tail
                    byte[] seq = new String(Character.toChars(0x80 + r.nextInt(0x10FFFF - 0x80 - 0x800)))
                            .getBytes(StandardCharsets.UTF_8);
                    if (seq.length > 1) {
                        int keep = 1 + r.nextInt(seq.length - 1);
                        out.write(seq, 0, keep);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomInput() {
        Random r = new Random(20240601L);
        int valid = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] a = randomBytes(r);
            boolean expected = jdkValid(a, 0, a.length);
            assertThat(Utf8.isValid(a, 0, a.length)).as("%s", HexFormat.of().formatHex(a)).isEqualTo(expected);
            if (expected) {
                valid++;
            }
        }
        // the generator must exercise both answers, or the comparison proves little
        assertThat(valid).isBetween(20_000, 180_000);
    }

    @Test
    void agreesWithTheJdkDecoderOnUniformRandomBytes() {
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            byte[] a = new byte[r.nextInt(6)];
            r.nextBytes(a);
            assertThat(Utf8.isValid(a, 0, a.length)).as("%s", HexFormat.of().formatHex(a))
                    .isEqualTo(jdkValid(a, 0, a.length));
        }
    }

    @Test
    void honoursTheRangeAndIgnoresBytesOutsideIt() {
        Random r = new Random(99);
        for (int i = 0; i < 50_000; i++) {
            byte[] inner = randomBytes(r);
            byte[] a = new byte[inner.length + 6];
            r.nextBytes(a);
            int from = r.nextInt(4);
            System.arraycopy(inner, 0, a, from, inner.length);
            int to = from + inner.length;
            assertThat(Utf8.isValid(a, from, to)).as("%s in [%d,%d)", HexFormat.of().formatHex(a), from, to)
                    .isEqualTo(jdkValid(a, from, to));
        }
    }

    @Test
    void everySingleCodePointRoundTrips() {
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            byte[] a = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (!Utf8.isValid(a, 0, a.length)) {
                throw new AssertionError("U+" + Integer.toHexString(cp) + " rejected");
            }
        }
    }
}
