package dev.clusterchat.core.service;

import dev.clusterchat.core.store.ChatStore;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** What every chat handler shares: the store, who is online, delivery, hashing, limits. Thread-safe. */
record ChatContext(ChatStore store, LocalSessions sessions, UserLocks locks, Deliverer deliverer,
                   PasswordHasher hasher, ChatLimits limits) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** The seed's time format, for messages that come without one. */
    static String now() {
        return LocalDateTime.now().format(TIME);
    }

    String state(long userId) {
        return sessions.isOnline(userId) ? "online" : "offline";
    }
}
