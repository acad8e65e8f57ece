package dev.clusterchat.core.store;

import java.util.Objects;

/**
 * A chat message to append to a timeline: one-to-one ({@code toId > 0}, {@code groupId == 0}, the
 * recipient's inbox) or to a group ({@code groupId > 0}, {@code toId == 0}, the group's log).
 *
 * @param senderName the sender's name when it sent (kept with the message, as delivered)
 * @param cmid       the client's idempotency key, or null; unique per sender
 * @param time       the client's display time string, or null
 */
public record NewMessage(long senderId, String senderName, long toId, long groupId, String cmid, String text,
                         String time) {
    /** The longest {@code cmid} a store takes, in code points. */
    public static final int MAX_CMID_LENGTH = 64;

    public NewMessage {
        Objects.requireNonNull(senderName, "senderName");
        Objects.requireNonNull(text, "text");
        if ((toId > 0) == (groupId > 0) || toId < 0 || groupId < 0) {
            throw new IllegalArgumentException("exactly one of toId and groupId must be set: " + toId + ", " + groupId);
        }
    }

    public static NewMessage direct(long senderId, String senderName, long toId, String cmid, String text, String time) {
        return new NewMessage(senderId, senderName, toId, 0, cmid, text, time);
    }

    public static NewMessage group(long senderId, String senderName, long groupId, String cmid, String text, String time) {
        return new NewMessage(senderId, senderName, 0, groupId, cmid, text, time);
    }

    public boolean isGroup() {
        return groupId != 0;
    }
}
