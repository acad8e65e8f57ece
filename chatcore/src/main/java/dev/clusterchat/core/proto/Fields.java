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

    /** An optional whole number in [min, max]; absent or null gives {@code fallback}. */
    public static long optionalNumber(JsonObject o, String field, long min, long max, long fallback) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        long v = number(e, field);
        if (v < min || v > max) {
            throw new ChatException(Errno.INVALID_REQUEST, "field '" + field + "' must be between " + min + " and " + max);
        }
        return v;
    }

    /** An optional boolean; absent or null gives false. */
    public static boolean flag(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return false;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw wrong(field, "true or false");
        }
        return e.getAsBoolean();
    }

    /**
     * An optional object mapping ids to whole numbers &ge; 0, such as {@code {"7":12,"9":0}}, in the
     * object's order; absent or null gives an empty map. At most {@code maxEntries} entries.
     */
    public static java.util.Map<Long, Long> idMap(JsonObject o, String field, int maxEntries) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return java.util.Map.of();
        }
        if (!e.isJsonObject()) {
            throw wrong(field, "an object of id: number");
        }
        JsonObject m = e.getAsJsonObject();
        if (m.size() > maxEntries) {
            throw new ChatException(Errno.INVALID_REQUEST, "field '" + field + "' has more than " + maxEntries + " entries");
        }
        java.util.Map<Long, Long> out = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, JsonElement> entry : m.entrySet()) {
            long id;
            try {
                id = Long.parseLong(entry.getKey());
            } catch (NumberFormatException ex) {
                throw wrong(field, "an object whose keys are ids");
            }
            long v = number(entry.getValue(), field);
            if (id <= 0 || v < 0) {
                throw wrong(field, "an object of positive ids to numbers >= 0");
            }
            out.put(id, v);
        }
        return out;
    }

    private static long number(JsonElement e, String field) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                java.math.BigDecimal d = e.getAsBigDecimal();
                if (d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(MAX_SAFE) <= 0) {
                    return d.longValueExact();
                }
            } catch (NumberFormatException | ArithmeticException ignored) {
                // falls through to the error
            }
        }
        throw wrong(field, "a whole number");
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
