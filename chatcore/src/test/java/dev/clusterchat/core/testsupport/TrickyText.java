package dev.clusterchat.core.testsupport;

import java.util.List;

/**
 * Texts that break naive SQL, escaping, framing or encodings, for the store contract and the
 * end-to-end text tests: all different, each at most 50 code points, every one valid Unicode.
 */
public final class TrickyText {
    /** Quotes, backslashes, LIKE wildcards, SQL, 4-byte UTF-8, combining marks, RTL, controls and NUL. */
    public static final List<String> ALL = List.of(
            "it's", "say \"hi\"", "back\\slash\\", "100% _under_ %_", "emoji 😀🎉👍🏽", "𝄞 𠜎 𝕏 4-byte",
            "nul\u0000char", "tab\tnew\nline\r", "'; DROP TABLE user; --", "ß İ ς ﬁ", "e\u0301 != é", "",
            "`backtick`", "日本語のなまえ", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
            "\uD83D\uDE00 U+1F600 and \uD840\uDC00 U+20000", "Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334\u0319",
            "שלום עולם", "مرحبا بالعالم ١٢٣", "left \u202Eright\u202C \u200Fmark", "\u0000",
            "\\u0000 is not a NUL", "line\u2028sep\u2029para", "\uFEFFbom \uFFFD \uFFFF", "del\u007F c1\u0085",
            "</script><b>&amp;", "{\"msgid\":6}\n{\"msgid\":3}");

    private TrickyText() {
    }

    /** Whether the protocol takes this text as a user or group name (see Fields.name). */
    public static boolean validName(String s) {
        return !s.isEmpty() && s.strip().equals(s) && s.chars().noneMatch(Character::isISOControl);
    }
}
