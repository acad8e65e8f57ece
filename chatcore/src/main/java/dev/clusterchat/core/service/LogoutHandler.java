package dev.clusterchat.core.service;

/** msgid 3: the user goes offline; the connection stays open for another login. Stateless. */
final class LogoutHandler implements MessageHandler {
    private final ChatContext ctx;

    LogoutHandler(ChatContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request r) {
        logout(ctx, r.session());
        r.ok();
    }

    /** Serial task only: releases the session's user, if any. Also runs when a connection drops. */
    static void logout(ChatContext ctx, Session session) {
        long id = session.userId();
        if (id != 0) {
            ctx.sessions().release(id, session);
            session.logout();
        }
    }
}
