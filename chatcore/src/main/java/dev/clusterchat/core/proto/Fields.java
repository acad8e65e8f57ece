package dev.clusterchat.core.proto;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/** Reads typed fields out of a request, throwing {@link ChatException} (INVALID_REQUEST) that names the field. Stateless. */
public final class Fields {
    private Fields() {
    }

    /** A required integer field in [1, 2^53), the range every JSON peer represents exactly. */
    public static long id(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw missing(field, "a positive integer");
        }
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isNumber()) {
                java.math.BigDecimal d;
                try {
                    d = p.getAsBigDecimal();
                } catch (NumberFormatException ex) {
                    throw wrong(field, "a positive integer");
                }
                if (d.signum() > 0 && d.stripTrailingZeros().scale() <= 0 && d.compareTo(MAX_SAFE) <= 0) {
                    return d.longValueExact();
                }
            } else if (p.isString()) {
                // the seed client sends ids as numbers, but a quoted id is harmless to accept
                try {
                    long v = Long.parseLong(p.getAsString().trim());
                    if (v > 0 && v <= MAX_SAFE.longValue()) {
                        return v;
                    }
                } catch (NumberFormatException ignored) {
                    // falls through to the error
                }
            }
        }
        throw wrong(field, "a positive integer");
    }

    private static final java.math.BigDecimal MAX_SAFE = java.math.BigDecimal.valueOf((1L << 53) - 1);

    /** A required string field of 1 to {@code maxLength} characters (code points). */
    public static String text(JsonObject o, String field, int maxLength) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw missing(field, "a string");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrong(field, "a string");
        }
        String s = unicode(field, e.getAsString());
        int n = s.codePointCount(0, s.length());
        if (n == 0) {
            throw new ChatException(Errno.INVALID_REQUEST, "field '" + field + "' cannot be empty");
        }
        if (n > maxLength) {
            throw new ChatException(Errno.INVALID_REQUEST,
                    "field '" + field + "' is too long: " + n + " characters, at most " + maxLength);
        }
        return s;
    }

    /** An optional string field (absent or null gives {@code fallback}); at most {@code maxLength} characters. */
    public static String optionalText(JsonObject o, String field, int maxLength, String fallback) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrong(field, "a string");
        }
        String s = unicode(field, e.getAsString());
        int n = s.codePointCount(0, s.length());
        if (n > maxLength) {
            throw new ChatException(Errno.INVALID_REQUEST,
                    "field '" + field + "' is too long: " + n + " characters, at most " + maxLength);
        }
        return s;
    }

    /** A name: {@link #text} plus no control characters and no leading or trailing blanks. */
    public static String name(JsonObject o, String field, int maxLength) {
        String s = text(o, field, maxLength);
        if (!s.strip().equals(s) || s.isBlank()) {
            throw new ChatException(Errno.INVALID_REQUEST, "field '" + field + "' cannot start or end with blanks");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new ChatException(Errno.INVALID_REQUEST, "field '" + field + "' cannot contain control characters");
            }
        }
        return s;
    }

    /**
     * The text itself, if it is Unicode: JSON may escape a lone surrogate ("\ud800"), but UTF-8 cannot
     * carry one, so stores, replies and password hashes would all turn it into '?'.
     */
    private static String unicode(String field, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new ChatException(Errno.INVALID_REQUEST,
                        "field '" + field + "' is not valid Unicode: unpaired surrogate at index " + i);
            }
        }
        return s;
    }

    private static ChatException missing(String field, String what) {
        return new ChatException(Errno.INVALID_REQUEST, "missing field '" + field + "' (" + what + ")");
    }

    private static ChatException wrong(String field, String what) {
        return new ChatException(Errno.INVALID_REQUEST, "field '" + field + "' must be " + what);
    }
}
