package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * JSON text written as Gson's {@code JsonElement.toString()} writes it, character for character,
 * without its writer (a {@code JsonWriter} and a growing {@code StringWriter} per reply): strings
 * with quotes, backslashes and control characters escaped ({@code \b \t \n \f \r}, the rest as
 * a six-character unicode escape), as are U+2028 and U+2029, everything else as is; numbers as
 * their {@code toString()}; members in insertion order, nulls written. Stateless.
 */
final class JsonText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    /** A tree as UTF-8 JSON text, the bytes of Gson's {@code toString()}. */
    static byte[] encode(JsonElement e) {
        StringBuilder b = new StringBuilder(128);
        write(b, e);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends a tree (null taken as JSON null). */
    static void write(StringBuilder b, JsonElement e) {
        if (e == null || e.isJsonNull()) {
            b.append("null");
        } else if (e instanceof JsonPrimitive p) {
            if (p.isString()) {
                quote(b, p.getAsString());
            } else if (p.isBoolean()) {
                b.append(p.getAsBoolean());
            } else {
                b.append(p.getAsNumber().toString());
            }
        } else if (e instanceof JsonObject o) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonElement> m : o.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                quote(b, m.getKey());
                b.append(':');
                write(b, m.getValue());
            }
            b.append('}');
        } else {
            b.append('[');
            boolean first = true;
            for (JsonElement x : (JsonArray) e) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(b, x);
            }
            b.append(']');
        }
    }

    /** Appends {@code s} as a quoted JSON string. */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = escape(c);
            if (escape != null) {
                b.append(s, from, i).append(escape);
                from = i + 1;
            } else if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                b.append(s, from, i).append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                        .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                from = i + 1;
            }
        }
        b.append(s, from, s.length()).append('"');
    }

    private static String escape(char c) {
        return switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\b' -> "\\b";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\f' -> "\\f";
            case '\r' -> "\\r";
            default -> null;
        };
    }
}
