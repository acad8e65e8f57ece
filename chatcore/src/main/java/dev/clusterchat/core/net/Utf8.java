package dev.clusterchat.core.net;

/** Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF). Thread-safe, stateless. */
final class Utf8 {
    private Utf8() {
    }

    /** Whether bytes [from, to) are well-formed UTF-8. */
    static boolean isValid(byte[] a, int from, int to) {
        return check(a, from, to) != INVALID;
    }

    static final int ASCII = 0;
    static final int VALID = 1;
    static final int INVALID = 2;

    /** {@link #ASCII} if bytes [from, to) are all below 0x80, else {@link #VALID} or {@link #INVALID} UTF-8. */
    static int check(byte[] a, int from, int to) {
        int i = from;
        // fast path: ASCII, eight bytes at a time
        while (i + 8 <= to && ((long) Buffer.LONGS.get(a, i) & 0x8080808080808080L) == 0) {
            i += 8;
        }
        while (i < to && a[i] >= 0) {
            i++;
        }
        if (i == to) {
            return ASCII;
        }
        while (i < to) {
            int b = a[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return INVALID;
            }
            if (i + need >= to) {
                return INVALID; // truncated sequence
            }
            int cp = b & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int c = a[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return INVALID;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return INVALID;
            }
            i += need + 1;
        }
        return VALID;
    }
}
