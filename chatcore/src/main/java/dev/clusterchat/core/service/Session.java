package dev.clusterchat.core.service;

import dev.clusterchat.core.net.Connection;


/**
 * What the server knows about one connection: who is logged in on it, and the serial queue its
 * requests run on. One session per connection, attached to it.
 *
 * <p>Thread safety: {@code userId} and {@code name} change only in the session's serial tasks and
 * are volatile so other threads (deliveries) can read them, as is the outbox (whose state is the
 * loop's).
 */
public final class Session {
    private final Connection connection;
    private final SerialExecutor serial;
    private volatile long userId;
    private volatile String name;
    private volatile boolean everLoggedIn;
    /** Loop thread only: closes a connection that does not log in in time; cancelled at close. */
    private dev.clusterchat.core.net.EventLoop.Timer loginTimer;
    /** The client's address: the peer's, or the one a trusted proxy named in its PROXY header. */
    private volatile java.net.InetSocketAddress clientAddress;
    /** Loop thread only: whether the first frame has been seen (a PROXY header may only come first). */
    private boolean firstFrameSeen;
    /** Loop thread only: this connection's request rate, or null when unlimited. */
    private RateGuard rate;
    /** Loop thread only: keeps replies in request order. */
    private final ReplyOrder replyOrder = new ReplyOrder();
    /** The user's deliveries on this connection while logged in, else null. */
    private volatile Outbox outbox;

    Session(Connection connection, SerialExecutor serial) {
        this.connection = connection;
        this.serial = serial;
        this.clientAddress = connection.remoteAddress();
    }

    /** Thread-safe: the client's address (the one a trusted proxy named, else the peer's); null if unknown. */
    public java.net.InetSocketAddress clientAddress() {
        return clientAddress;
    }

    /** Loop thread only. */
    void clientAddress(java.net.InetSocketAddress address) {
        this.clientAddress = address;
    }

    /** Loop thread only: true the first time, false after. */
    boolean firstFrame() {
        boolean first = !firstFrameSeen;
        firstFrameSeen = true;
        return first;
    }

    public Connection connection() {
        return connection;
    }

    public SerialExecutor serial() {
        return serial;
    }

    /** Thread-safe: the logged-in user's id, or 0. */
    public long userId() {
        return userId;
    }

    /** Thread-safe: the logged-in user's name, or null. */
    public String name() {
        return name;
    }

    public boolean loggedIn() {
        return userId != 0;
    }

    /** Serial task only: the user is now logged in here; its outbox comes with the login reply. */
    void login(long id, String userName) {
        this.name = userName;
        this.userId = id;
        this.everLoggedIn = true;
    }

    /** Loop thread only. */
    void loginTimer(dev.clusterchat.core.net.EventLoop.Timer timer) {
        this.loginTimer = timer;
    }

    /** Loop thread only: the connection closed; its login timer must not keep it reachable. */
    void cancelLoginTimer() {
        if (loginTimer != null) {
            loginTimer.cancel();
            loginTimer = null;
        }
    }

    /** Thread-safe: whether anyone ever logged in on this connection. */
    boolean everLoggedIn() {
        return everLoggedIn;
    }

    /** Loop thread only. */
    RateGuard rate() {
        return rate;
    }

    /** Loop thread only. */
    void rate(RateGuard guard) {
        this.rate = guard;
    }

    /** Loop thread only. */
    ReplyOrder replyOrder() {
        return replyOrder;
    }

    /** Thread-safe: the logged-in user's deliveries, or null. */
    Outbox outbox() {
        return outbox;
    }

    /** Serial task only (login). */
    void outbox(Outbox o) {
        this.outbox = o;
    }

    /** Serial task only: the user is gone from this connection; its outbox stops (on the loop) and is returned. */
    Outbox logout() {
        Outbox o = outbox;
        this.userId = 0;
        this.name = null;
        this.outbox = null;
        if (o != null) {
            connection.loop().execute(o::close);
        }
        return o;
    }
}
