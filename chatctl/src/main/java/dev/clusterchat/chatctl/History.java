package dev.clusterchat.chatctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Pages through the past messages of a conversation or a group (msgid 24), newest first, asking
 * each next page with {@code before} set to the last msgno received. Stateless; blocks the caller.
 */
final class History {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private History() {
    }

    /**
     * Hands the messages of up to {@code pages} pages (0: all) to {@code each}, newest first, until it
     * returns false or the server has no more.
     *
     * @param field  "peer" or "groupid"
     * @param before start below this msgno; 0 for the newest
     * @return the msgno to continue before when the pages ran out and the server has more; else 0
     */
    static long read(ChatConnection conn, Duration timeout, String field, long id, long before, int limit,
                     int pages, Predicate<JsonObject> each) {
        long next = before;
        for (int n = 0; pages == 0 || n < pages; n++) {
            JsonObject reply = ChatctlException.requireOk(
                    conn.call(Requests.history(field, id, next, limit), timeout, "history"), "history");
            boolean any = false;
            for (JsonElement e : Formats.array(reply, "msgs")) {
                if (!e.isJsonObject()) {
                    continue;
                }
                JsonObject m = e.getAsJsonObject();
                next = Formats.number(m, "msgno");
                any = true;
                if (!each.test(m)) {
                    return 0;
                }
            }
            if (!any || !Formats.flag(reply, "more") || next <= 0) {
                return 0;
            }
        }
        return next;
    }
}
