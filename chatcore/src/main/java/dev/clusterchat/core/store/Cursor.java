package dev.clusterchat.core.store;

/**
 * Where a user stands in one timeline: {@code timeline} is 0 for the user's inbox or a group's id;
 * {@code acked} is the last seq the user acknowledged (everything after it is still to deliver);
 * {@code last} is the timeline's last seq.
 */
public record Cursor(long timeline, long acked, long last) {

    public boolean pending() {
        return last > acked;
    }
}
