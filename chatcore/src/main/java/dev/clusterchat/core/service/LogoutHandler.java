package dev.clusterchat.core.service;

import dev.clusterchat.core.cluster.ClusterUnavailableException;

/** msgid 3: the user goes offline; the connection stays open for another login. Stateless. */
final class LogoutHandler implements MessageHandler {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(LogoutHandler.class.getName());
    private final ChatContext ctx;

    LogoutHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        logout(ctx, r.session());
        r.ok();
    }

    /**
     * Serial task only: releases the session's user, if any. Also runs when a connection drops.
     * Holds the user's lock, and releases the cluster's entry only if no other session of this
     * node holds the user by now (a quick re-login must not lose its presence).
     */
    static void logout(ChatContext ctx, Session session) {
        long id = session.userId();
        if (id == 0) {
            return;
        }
        ctx.locks().with(id, () -> {
            ctx.sessions().release(id, session);
            Outbox o = session.logout();
            if (o != null && !o.acking()) { // before the release: a login elsewhere starts from here
                ctx.autoAcks().finish(o);
            }
            ctx.telemetry().loggedOut(session.connection(), id);
            if (ctx.sessions().get(id) == null) {
                try {
                    ctx.cluster().release(id);
                } catch (ClusterUnavailableException e) {
                    // the entry keeps pointing at this live node: released once Redis is back
                    ctx.pendingReleases().add(id);
                    LOG.fine("cannot release user " + id + " in the cluster now: " + e.getMessage());
                }
            }
            return null;
        });
    }
}
