package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;

/**
 * One frame from the server.
 *
 * @param text  the frame as received, without its terminator
 * @param json  the parsed object, or null if the text is not a JSON object
 * @param reply whether it answers one of our requests (matched by seq)
 */
record Frame(String text, JsonObject json, boolean reply) {
    /** The msgid, or -1 if there is none. */
    int msgid() {
        return msgidOf(json);
    }

    /** The object's msgid, or -1 if it has none (or is null). */
    static int msgidOf(JsonObject json) {
        try {
            return json != null && json.has("msgid") ? json.get("msgid").getAsInt() : -1;
        } catch (RuntimeException notANumber) {
            return -1;
        }
    }
}
