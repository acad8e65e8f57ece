package dev.clusterchat.core.service;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped per-user locks. A login (claim, then take offline messages) and a delivery to an absent
 * user (check, then store) hold the user's stripe, so a message can never be stored just after
 * its recipient took the offline messages. Several stripes are always taken in ascending order.
 * Thread-safe; held only on worker threads, never on a loop.
 */
final class UserLocks {
    private final ReentrantLock[] stripes;

    UserLocks(int count) {
        stripes = new ReentrantLock[count];
        Arrays.setAll(stripes, i -> new ReentrantLock());
    }

    private int stripe(long userId) {
        return (int) Math.floorMod(userId * 0x9E3779B97F4A7C15L >>> 32, (long) stripes.length);
    }

    /** Runs the action holding the user's stripe. */
    <T> T with(long userId, java.util.function.Supplier<T> action) {
        ReentrantLock l = stripes[stripe(userId)];
        l.lock();
        try {
            return action.get();
        } finally {
            l.unlock();
        }
    }

    /** Runs the action holding the stripes of every user given. */
    void withAll(Collection<Long> userIds, Runnable action) {
        int[] idx = userIds.stream().mapToInt(this::stripe).distinct().sorted().toArray();
        int locked = 0;
        try {
            for (int i : idx) {
                stripes[i].lock();
                locked++;
            }
            action.run();
        } finally {
            for (int k = locked - 1; k >= 0; k--) {
                stripes[idx[k]].unlock();
            }
        }
    }
}
