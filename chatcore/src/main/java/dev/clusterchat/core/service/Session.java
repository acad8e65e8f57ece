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
    private volatile long userId;
    private volatile String name;
    /** Loop thread only: live messages that arrived before the login reply went out. */
    private List<byte[]> held;
    private boolean loginReplied;

    Session(Connection connection, SerialExecutor serial) {
        this.connection = connection;
        this.serial = serial;
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

    /** Serial task only: the user is now logged in here; live messages wait for {@link #loginReplied}. */
    void login(long id, String userName) {
        this.name = userName;
        this.userId = id;
        connection.loop().execute(() -> loginReplied = false);
    }

    /** Serial task only. */
    void logout() {
        this.userId = 0;
        this.name = null;
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

    /** Loop thread only: sends the login reply, then whatever was held. */
    void replyLoginInLoop(byte[] reply) {
        connection.sendEncoded(reply);
        loginReplied = true;
        if (held != null) {
            held.forEach(connection::sendEncoded);
            held = null;
        }
    }
}
