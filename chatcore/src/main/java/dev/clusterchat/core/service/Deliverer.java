package dev.clusterchat.core.service;

import com.google.gson.JsonObject;
import dev.clusterchat.core.net.EventLoop;
import dev.clusterchat.core.store.ChatStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Gets a chat message to its recipients: live to those logged in on this node (encoded once,
 * handed once to each loop that owns recipients), stored for the others. A recipient that
 * disappears between lookup and write is routed again, so a message is never dropped on the floor.
 *
 * <p>Thread-safe. Call from worker threads (it may store, which blocks).
 */
final class Deliverer {
    private final ChatStore store;
    private final LocalSessions sessions;
    private final UserLocks locks;
    private final Executor workers;

    Deliverer(ChatStore store, LocalSessions sessions, UserLocks locks, Executor workers) {
        this.store = store;
        this.sessions = sessions;
        this.locks = locks;
        this.workers = workers;
    }

    /** A message stays the same object whether delivered live or at the next login. */
    record Outgoing(String json, byte[] frame) {
        static Outgoing of(JsonObject message) {
            String json = message.toString();
            return new Outgoing(json, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Delivers to each recipient (the caller excludes the sender). */
    void deliver(Collection<Long> recipients, Outgoing message) {
        Map<EventLoop, List<Target>> live = new IdentityHashMap<>();
        List<Long> absent = new ArrayList<>();
        for (long to : recipients) {
            Session s = sessions.get(to);
            if (s != null) {
                live.computeIfAbsent(s.connection().loop(), l -> new ArrayList<>()).add(new Target(to, s));
            } else {
                absent.add(to);
            }
        }
        live.forEach((loop, list) -> loop.execute(() -> writeInLoop(list, message)));
        if (!absent.isEmpty()) {
            storeOrDeliver(absent, message);
        }
    }

    void deliver(long to, Outgoing message) {
        deliver(List.of(to), message);
    }

    /** Holding the recipients' locks: those who logged in meanwhile get it live, the rest stored. */
    private void storeOrDeliver(List<Long> absent, Outgoing message) {
        locks.withAll(absent, () -> {
            List<Long> offline = new ArrayList<>(absent.size());
            for (long to : absent) {
                Session s = sessions.get(to);
                if (s != null) {
                    s.connection().loop().execute(() -> writeInLoop(List.of(new Target(to, s)), message));
                } else {
                    offline.add(to);
                }
            }
            if (!offline.isEmpty()) {
                store.storeOffline(offline, message.json());
            }
        });
    }

    /** A recipient and the session it was found on. */
    private record Target(long userId, Session session) {
    }

    /** Loop thread only: writes to each target still logged in as that user; re-routes the rest. */
    private void writeInLoop(List<Target> targets, Outgoing message) {
        List<Long> missed = null;
        for (Target t : targets) {
            Session s = t.session();
            if (s.userId() == t.userId() && s.connection().isOpen()) {
                s.deliverInLoop(message.frame());
            } else {
                if (!s.connection().isOpen()) {
                    sessions.release(t.userId(), s); // dead: do not let the next lookup find it again
                }
                if (missed == null) {
                    missed = new ArrayList<>();
                }
                missed.add(t.userId());
            }
        }
        if (missed != null) {
            List<Long> again = missed;
            workers.execute(() -> deliver(again, message));
        }
    }
}
