package dev.clusterchat.core.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is logged in on this node: user id → session. A user holds at most one session. Thread-safe.
 */
public final class LocalSessions {
    private final Map<Long, Session> byUser = new ConcurrentHashMap<>();

    /** Thread-safe: claims the user for this session; false if another session holds it. */
    public boolean claim(long userId, Session session) {
        Session prev = byUser.putIfAbsent(userId, session);
        return prev == null || prev == session;
    }

    /** Thread-safe: releases the user if this session holds it. */
    public boolean release(long userId, Session session) {
        return byUser.remove(userId, session);
    }

    /** Thread-safe: the user's session on this node, or null. */
    public Session get(long userId) {
        return byUser.get(userId);
    }

    public boolean isOnline(long userId) {
        return byUser.containsKey(userId);
    }

    /** Thread-safe: a snapshot of the users logged in on this node. */
    public java.util.Set<Long> userIds() {
        return java.util.Set.copyOf(byUser.keySet());
    }

    /** Thread-safe: users logged in on this node. */
    public int size() {
        return byUser.size();
    }
}
