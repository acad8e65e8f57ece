package dev.clusterchat.core.store;

/**
 * A message as stored: {@code msgno} is global and increases in the order messages were stored;
 * {@code seq} is its place in its timeline (the recipient's inbox, or the group), 1, 2, 3, ... with
 * no gaps; {@code stime} is the server's time of storing, in milliseconds since the epoch.
 */
public record StoredMessage(long msgno, long seq, long senderId, String senderName, long toId, long groupId,
                            String cmid, String text, String time, long stime) {

    public boolean isGroup() {
        return groupId != 0;
    }

    /** The timeline key used by cursors: the group's id, or 0 for the recipient's inbox. */
    public long timeline() {
        return groupId;
    }
}
