package dev.clusterchat.core.service;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Hostile bytes for one connection, drawn from a seeded {@link Random}: random bytes, mutated valid
 * requests, wrong field types, huge numbers, invalid UTF-8, deep nesting, terminator mixes, bursts
 * of thousands of frames and over-long lines. Valid requests name real users (ids 1 to 3, password
 * "pw" + id) and group 1, so some mutations log in and act. Not thread-safe: one per fuzz thread.
 */
final class FuzzInput {
    /** How a case ends after its bytes are written. */
    enum Ending {
        /** Terminated, then a ping and a barrier check that every frame got its reply. */
        CHECKED,
        /** The client shuts down its sending side: every reply, then the server closes. */
        HALF_CLOSE,
        /** The client closes at once, possibly in the middle of a frame. */
        ABORT
    }

    /** One case: the bytes, how it ends, and a name for the count line and failure messages. */
    record Case(String kind, byte[] bytes, Ending ending) {
    }

    private static final String[] TERMINATORS = {"\n", "\n", "\r\n", "\0", "\r\0", "\0\n", "\n\r", "\r", ""};
    private static final String TWO_TO_THE_200 = BigInteger.TWO.pow(200).toString();
    private static final String[] HUGE = {"1e999999", "-1e999999", "1e-999999", "1E+2147483648", TWO_TO_THE_200,
            "-" + TWO_TO_THE_200, TWO_TO_THE_200 + ".0", "9007199254740992", "9007199254740991", "9223372036854775808",
            "1" + "0".repeat(12_000), "0." + "0".repeat(9_000) + "1", "-0", "0.0", "18.0", "1.8e1", "180e-1", "1e1"};
    private static final String[] WRONG = {"\"x\"", "\"\"", "\"1\"", "\" 2 \"", "{}", "{\"id\":1}", "[]", "[1,2]",
            "null", "true", "false", "1.5", "-1", "0", "\"\\u0000\"", "[[[[{}]]]]", "\"\\ud800\""};
    private static final byte[][] BAD_UTF8 = {
            {(byte) 0xC0, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
            {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF}, {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF0, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xFE}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xC3}};

    private static final String PUNCTUATION = "\n\0\r{\"}:[],\\";
    private final Random random;

    FuzzInput(Random random) {
        this.random = random;
    }

    Case next() {
        int roll = random.nextInt(100);
        if (roll < 28) {
            return checked("mutated", mutate(utf8(validRequest())));
        } else if (roll < 42) {
            return checked("wrong-type", frames(1 + random.nextInt(4), () -> withValue(pick(WRONG))));
        } else if (roll < 50) {
            return checked("huge-number", frames(1 + random.nextInt(3), () -> withValue(pick(HUGE))));
        } else if (roll < 60) {
            return checked("bad-utf8", frames(1 + random.nextInt(3), this::badUtf8));
        } else if (roll < 70) {
            return checked("terminators", terminatorMix());
        } else if (roll < 77) {
            return checked("random-bytes", randomBytes(1 + random.nextInt(4096)));
        } else if (roll < 81) {
            return checked("deep-nesting", utf8(deepNesting()));
        } else if (roll < 85) {
            return checked("burst", burst(1000 + random.nextInt(4000)));
        } else if (roll < 86) {
            return checked("megabyte-line", utf8("x".repeat(1 << 20) + "\n"));
        } else if (roll < 93) {
            return new Case("abort", abort(), Ending.ABORT);
        } else {
            return new Case("half-close", frames(1 + random.nextInt(20), () -> utf8(validRequest() + "\n")), Ending.HALF_CLOSE);
        }
    }

    private static Case checked(String kind, byte[] bytes) {
        return new Case(kind, bytes, Ending.CHECKED);
    }

    /** A valid request of a random kind, fields in random order, maybe with a seq. */
    String validRequest() {
        List<String> fields = new ArrayList<>(fields(random.nextInt(KINDS)));
        if (random.nextBoolean()) {
            fields.add("\"seq\":" + (random.nextBoolean() ? Integer.toString(random.nextInt(1000)) : "\"s\""));
        }
        Collections.shuffle(fields, random);
        return "{" + String.join(",", fields) + "}";
    }

    private static final int KINDS = 11;

    /** The fields ({@code "key":value}) of a valid request of kind 0 to {@link #KINDS} - 1: every msgid, and unknown ones. */
    private List<String> fields(int kind) {
        return switch (kind) {
            case 0 -> List.of("\"msgid\":1", "\"id\":" + user(), "\"password\":\"pw" + user() + "\"");
            case 1 -> List.of("\"msgid\":3", "\"id\":" + user());
            case 2 -> List.of("\"msgid\":4", "\"name\":\"fz" + random.nextInt(1_000_000) + "\"", "\"password\":\"p\"");
            case 3 -> List.of("\"msgid\":6", "\"id\":" + user(), "\"name\":\"n\"", "\"toid\":" + user(), "\"msg\":\"hi\"",
                    "\"time\":\"2024-07-19 14:39:56\"");
            case 4 -> List.of("\"msgid\":7", "\"id\":" + user(), "\"friendid\":" + user());
            case 5 -> List.of("\"msgid\":8", "\"id\":" + user(), "\"groupname\":\"g" + random.nextInt(1_000_000) + "\"",
                    "\"groupdesc\":\"d\"");
            case 6 -> List.of("\"msgid\":9", "\"id\":" + user(), "\"groupid\":1");
            case 7 -> List.of("\"msgid\":10", "\"id\":" + user(), "\"name\":\"n\"", "\"groupid\":1", "\"msg\":\"all\"");
            case 8 -> List.of("\"msgid\":" + (11 + random.nextInt(9)));
            case 9 -> List.of("\"msgid\":" + random.nextInt());
            default -> List.of("\"msgid\":18");
        };
    }

    private long user() {
        return 1 + random.nextInt(3);
    }

    /** A valid request with one of its values (msgid and seq included) replaced by {@code value}. */
    private byte[] withValue(String value) {
        List<String> fields = new ArrayList<>(fields(random.nextInt(KINDS)));
        fields.add("\"seq\":1");
        int i = random.nextInt(fields.size());
        return frame(fields, i, value);
    }

    private static byte[] frame(List<String> fields, int replaced, String value) {
        List<String> f = new ArrayList<>(fields);
        String field = f.get(replaced);
        f.set(replaced, field.substring(0, field.indexOf(':') + 1) + value);
        return utf8("{" + String.join(",", f) + "}\n");
    }

    /**
     * Every field of every kind of request (seq included) with every wrong type and huge number, one
     * case per field. Each logs in first as user 4 (kept for this) and out at the end, so that the
     * fields of requests that need a login are read, not just refused.
     */
    Deque<Case> everyFieldEveryValue() {
        Deque<Case> cases = new ArrayDeque<>();
        for (int kind = 0; kind < KINDS; kind++) {
            List<String> fields = new ArrayList<>(fields(kind));
            fields.add("\"seq\":1");
            for (int i = 0; i < fields.size(); i++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(utf8("{\"msgid\":1,\"id\":4,\"password\":\"pw4\"}\n"));
                for (String[] values : new String[][]{WRONG, HUGE}) {
                    for (String v : values) {
                        out.writeBytes(frame(fields, i, v));
                    }
                }
                out.writeBytes(utf8("{\"msgid\":3}\n"));
                cases.add(checked("every-field", out.toByteArray()));
            }
        }
        return cases;
    }

    /** Byte flips, deletions, insertions and duplications of a valid request, then a random terminator. */
    private byte[] mutate(byte[] request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = request;
        for (int n = 1 + random.nextInt(8); n > 0; n--) {
            int at = random.nextInt(b.length + 1);
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (at < b.length) {
                        b = b.clone();
                        b[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> b = splice(b, at, Math.min(b.length, at + random.nextInt(4)), new byte[0]);
                case 2 -> b = splice(b, at, at, randomBytes(1 + random.nextInt(4)));
                case 3 -> {
                    int from = random.nextInt(b.length);
                    int to = Math.min(b.length, from + 1 + random.nextInt(16));
                    b = splice(b, at, at, Arrays.copyOfRange(b, from, to));
                }
                default -> b = splice(b, at, at, utf8(pick(TERMINATORS)));
            }
        }
        out.writeBytes(b);
        out.writeBytes(utf8(pick(TERMINATORS)));
        return out.toByteArray();
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + insert.length);
        out.write(b, 0, from);
        out.writeBytes(insert);
        out.write(b, to, b.length - to);
        return out.toByteArray();
    }

    /** A valid request with an invalid UTF-8 sequence (overlong, surrogate, stray or cut) somewhere in it. */
    private byte[] badUtf8() {
        byte[] request = utf8(validRequest().replace("\"hi\"", "\"h\u00e9\u20ac\ud83d\ude00\""));
        int at = random.nextInt(request.length + 1);
        byte[] bad = splice(request, at, at, pick(BAD_UTF8));
        return splice(bad, bad.length, bad.length, new byte[]{'\n'});
    }

    /** Small frames glued by every terminator the codec knows (and none). */
    private byte[] terminatorMix() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int n = 2 + random.nextInt(30); n > 0; n--) {
            out.writeBytes(utf8(random.nextInt(4) == 0 ? "" : validRequest()));
            out.writeBytes(utf8(pick(TERMINATORS)));
        }
        return out.toByteArray();
    }

    private String deepNesting() {
        int depth = new int[]{256, 300, 5_000, 60_000, 100_000}[random.nextInt(5)];
        return switch (random.nextInt(4)) {
            case 0 -> "[".repeat(depth) + "\n";
            case 1 -> "[".repeat(depth) + "]".repeat(depth) + "\n";
            case 2 -> "{\"a\":".repeat(depth / 5) + "1" + "}".repeat(depth / 5) + "\n";
            default -> "{\"msgid\":18,\"seq\":" + "[".repeat(depth) + "]".repeat(depth) + "}\n";
        };
    }

    /** Thousands of frames in one write: pings, requests, garbage and empty lines. */
    private byte[] burst(int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            int r = random.nextInt(10);
            out.writeBytes(utf8(r < 5 ? "{\"msgid\":18,\"seq\":" + i + "}" : r < 8 ? validRequest() : r < 9 ? "{bad" : ""));
            out.writeBytes(utf8(random.nextInt(20) == 0 ? "\r\n" : "\n"));
        }
        return out.toByteArray();
    }

    /** A few frames, then (maybe) the start of one more: the client closes right after. */
    private byte[] abort() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int n = random.nextInt(5); n > 0; n--) {
            out.writeBytes(utf8(validRequest() + "\n"));
        }
        byte[] last = utf8(validRequest());
        out.write(last, 0, random.nextInt(last.length));
        return out.toByteArray();
    }

    private byte[] frames(int n, Supplier<byte[]> frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            out.writeBytes(frame.get());
        }
        return out.toByteArray();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        for (int i = 0; i < n; i++) { // more terminators and JSON punctuation than chance gives
            int r = random.nextInt(40);
            if (r < 4) {
                b[i] = (byte) PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length()));
            }
        }
        return b;
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
