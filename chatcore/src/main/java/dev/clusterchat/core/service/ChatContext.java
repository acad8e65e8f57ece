package dev.clusterchat.core.service;

import dev.clusterchat.core.cluster.Cluster;
import dev.clusterchat.core.cluster.ClusterUnavailableException;
import dev.clusterchat.core.store.ChatStore;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** What every chat handler shares: the store, who is online, delivery, hashing, limits. Thread-safe. */
record ChatContext(ChatStore store, LocalSessions sessions, UserLocks locks, Deliverer deliverer,
                   PasswordHasher hasher, ChatLimits limits, Cluster cluster, java.util.concurrent.Executor workers,
                   Set<Long> pendingReleases, LoginThrottle loginThrottle, Telemetry telemetry,
                   KnownUsers knownUsers, MessageLog log, AutoAcks autoAcks, int maxPageBytes) {
    private static final Logger LOG = Logger.getLogger(ChatContext.class.getName());
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** The seed's time format, for messages that come without one. */
    static String now() {
        return LocalDateTime.now().format(TIME);
    }

    /** Worker thread: which of these users are online on any node (this node's only, if the cluster is down). */
    Set<Long> online(Collection<Long> userIds) {
        Set<Long> on = new HashSet<>();
        Set<Long> elsewhere = new HashSet<>();
        for (long id : userIds) {
            if (sessions.isOnline(id)) {
                on.add(id);
            } else {
                elsewhere.add(id);
            }
        }
        if (!elsewhere.isEmpty()) {
            try {
                on.addAll(cluster.locateRemote(elsewhere).keySet());
            } catch (ClusterUnavailableException e) {
                LOG.fine("presence unknown for remote users: " + e.getMessage());
            }
        }
        return on;
    }

    static String state(Set<Long> online, long userId) {
        return online.contains(userId) ? "online" : "offline";
    }
}
