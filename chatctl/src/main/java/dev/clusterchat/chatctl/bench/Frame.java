package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * One frame the server sent, as the load generator reads it: the top-level {@code seq},
 * {@code errno} and {@code msg} found by one scan of the text, without building a tree (Gson's
 * reader and tree were most of the generator's CPU per message, on the machine the server shares);
 * the whole tree only when {@link #json()} is asked for. Malformed text: IllegalArgumentException
 * (nested objects and arrays are only skipped by the scan: what is wrong inside them shows in
 * {@link #json()}, as Gson's exception). Loop thread only.
 */
final class Frame {
    private static final Pattern LITERAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?|true|false|null");

    private final String text;
    private boolean hasSeq;
    private long seq;
    private int errno;
    private String msg;
    private JsonObject json;

    private Frame(String text) {
        this.text = text;
    }

    /** Scans one frame: a JSON object, else IllegalArgumentException. */
    static Frame parse(String text) {
        Frame f = new Frame(text);
        f.scan();
        return f;
    }

    /** Whether the frame carries a {@code seq} (a reply to a request of ours, or an error about one). */
    boolean hasSeq() {
        return hasSeq;
    }

    /** The {@code seq} as a number (0 when absent). */
    long seq() {
        return seq;
    }

    /** The {@code errno}, 0 when absent or null. */
    int errno() {
        return errno;
    }

    /** The {@code msg} text, or null when absent or not a string. */
    String msg() {
        return msg;
    }

    /** The whole frame as a tree (parsed on first use). */
    JsonObject json() {
        if (json == null) {
            json = JsonParser.parseString(text).getAsJsonObject();
        }
        return json;
    }

    @Override
    public String toString() {
        return text;
    }

    private void scan() {
        int i = skipSpace(0);
        expect(i, '{');
        i = skipSpace(i + 1);
        if (at(i) == '}') {
            end(i);
            return;
        }
        while (true) {
            expect(i, '"');
            int keyEnd = stringEnd(i);
            String key = text.substring(i + 1, keyEnd);
            i = skipSpace(keyEnd + 1);
            expect(i, ':');
            int from = skipSpace(i + 1);
            int to = valueEnd(from);
            member(key, from, to);
            i = skipSpace(to);
            if (at(i) == ',') {
                i = skipSpace(i + 1);
            } else {
                expect(i, '}');
                end(i);
                return;
            }
        }
    }

    private void member(String key, int from, int to) {
        switch (key) {
            case "seq" -> {
                char c = text.charAt(from);
                if (c != 'n' && c != '{' && c != '[' && c != 't' && c != 'f') {
                    hasSeq = true;
                    seq = c == '"' ? number(string(from, to)) : number(text.substring(from, to));
                }
            }
            case "errno" -> errno = text.charAt(from) == 'n' ? 0 : (int) number(text.substring(from, to));
            case "msg" -> msg = text.charAt(from) == '"' ? string(from, to) : null;
            default -> {
                // not needed by the load generator: json() has it
            }
        }
    }

    /** The value of the string literal at [from, to): as written when it has no escapes, else decoded. */
    private String string(int from, int to) {
        String raw = text.substring(from + 1, to - 1);
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        try {
            return JsonParser.parseString(text.substring(from, to)).getAsString();
        } catch (JsonParseException e) {
            throw malformed(from); // a bad escape
        }
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return new BigDecimal(s.trim()).longValue(); // "7.0", "1e3": as Gson's getAsLong reads them
        }
    }

    /** The index just after the value starting at {@code i}. */
    private int valueEnd(int i) {
        char c = at(i);
        if (c == '"') {
            return stringEnd(i) + 1;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            for (int k = i; k < text.length(); k++) {
                char x = text.charAt(k);
                if (x == '"') {
                    k = stringEnd(k);
                } else if (x == '{' || x == '[') {
                    depth++;
                } else if ((x == '}' || x == ']') && --depth == 0) {
                    return k + 1;
                }
            }
            throw malformed(text.length());
        }
        int k = i;
        while (k < text.length() && ",}] \t\r\n".indexOf(text.charAt(k)) < 0) {
            k++;
        }
        if (!LITERAL.matcher(text).region(i, k).matches()) {
            throw malformed(i);
        }
        return k;
    }

    /** The index of the closing quote of the string literal whose opening quote is at {@code i}. */
    private int stringEnd(int i) {
        for (int k = i + 1; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '\\') {
                k++;
            } else if (c == '"') {
                return k;
            }
        }
        throw malformed(text.length());
    }

    private int skipSpace(int i) {
        while (i < text.length() && " \t\r\n".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private char at(int i) {
        if (i >= text.length()) {
            throw malformed(i);
        }
        return text.charAt(i);
    }

    private void expect(int i, char c) {
        if (at(i) != c) {
            throw malformed(i);
        }
    }

    private void end(int closing) {
        if (skipSpace(closing + 1) != text.length()) {
            throw malformed(closing + 1);
        }
    }

    private IllegalArgumentException malformed(int at) {
        return new IllegalArgumentException("malformed frame at " + at + ": " + text);
    }
}
