package dev.clusterchat.core.service;

import dev.clusterchat.core.net.Connection;

import java.util.ArrayList;
import java.util.List;

/**
 * What the server knows about one connection: who is logged in on it, and the serial queue its
 * requests run on. One session per connection, attached to it.
 *
 * <p>Thread safety: {@code userId} and {@code name} change only in the session's serial tasks and
 * are volatile so other threads (deliveries) can read them; the hold list is loop thread only.
 */
public final class Session {
    private final Connection connection;
    private final SerialExecutor serial;
    private final java.util.function.BiConsumer<Long, List<byte[]>> strays;
    private volatile long userId;
    private volatile String name;
    private volatile boolean everLoggedIn;
    /** The last user who logged in here, and whether another did before: whose unsent messages are. */
    private volatile long lastUserId;
    private volatile boolean severalUsers;
    /** Loop thread only: closes a connection that does not log in in time; cancelled at close. */
    private dev.clusterchat.core.net.EventLoop.Timer loginTimer;
    /** The client's address: the peer's, or the one a trusted proxy named in its PROXY header. */
    private volatile java.net.InetSocketAddress clientAddress;
    /** Loop thread only: whether the first frame has been seen (a PROXY header may only come first). */
    private boolean firstFrameSeen;
    /** Loop thread only: this connection's request rate, or null when unlimited. */
    private RateGuard rate;
    /** Loop thread only: live messages that arrived before the login reply went out. */
    private List<byte[]> held;
    private boolean loginReplied;

    /**
     * @param strays receives live messages that were held for a user whose login then failed or
     *               who logged out before they could be sent (called on the loop; route them again)
     */
    Session(Connection connection, SerialExecutor serial, java.util.function.BiConsumer<Long, List<byte[]>> strays) {
        this.connection = connection;
        this.serial = serial;
        this.strays = strays;
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

    /** Serial task only: the user is now logged in here; live messages wait for the login reply. */
    void login(long id, String userName) {
        this.name = userName;
        this.userId = id;
        this.everLoggedIn = true;
        if (lastUserId != 0 && lastUserId != id) {
            severalUsers = true;
        }
        lastUserId = id;
    }

    /** Thread-safe: the one user who ever logged in on this connection, or 0 if none or several did. */
    long soleUser() {
        return severalUsers ? 0 : lastUserId;
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

    /**
     * Serial task only. On the loop, the session goes back to holding live messages until the next
     * login reply, and whatever it still held for this user is handed back to be routed again.
     */
    void logout() {
        long id = userId;
        this.userId = 0;
        this.name = null;
        connection.loop().execute(() -> {
            loginReplied = false;
            List<byte[]> h = held;
            held = null;
            if (h != null && !h.isEmpty() && id != 0) {
                strays.accept(id, h);
            }
        });
    }

    /**
     * Loop thread only: sends a live message, or holds it until the login reply is out, so a client
     * never sees a message before its login reply.
     */
    void deliverInLoop(byte[] frame) {
        if (loginReplied) {
            connection.sendEncoded(frame);
        } else {
            if (held == null) {
                held = new ArrayList<>();
            }
            held.add(frame);
        }
    }

    /**
     * Loop thread only: sends the login reply, then whatever was held. If the connection closed
     * before the reply could go out, runs {@code undelivered} instead (put the offline messages back).
     */
    void replyLoginInLoop(byte[] reply, Runnable undelivered) {
        if (!connection.isOpen()) {
            undelivered.run();
            return;
        }
        connection.sendEncoded(reply);
        loginReplied = true;
        List<byte[]> h = held;
        held = null;
        if (h != null) {
            for (int i = 0; i < h.size(); i++) {
                if (!connection.isOpen()) { // dropped at the high-water mark meanwhile: route the rest again
                    strays.accept(userId, new ArrayList<>(h.subList(i, h.size())));
                    return;
                }
                connection.sendEncoded(h.get(i));
            }
        }
    }
}
