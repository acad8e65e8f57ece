package dev.clusterchat.core.service;

/**
 * JSON string literals written as Gson's {@code JsonElement.toString()} writes them: quotes,
 * backslashes and control characters escaped ({@code \b \t \n \f \r}, the rest as a six-character
 * unicode escape),
 * as are U+2028 and U+2029; everything else as is. Stateless.
 */
final class JsonText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
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
