package dev.clusterchat.core.service;

import dev.clusterchat.core.net.ServerConfig;

import java.util.Objects;
import java.util.logging.Level;

/**
 * Everything a {@link ChatServer} needs besides its store. Validated eagerly.
 *
 * @param net                    listening address, loops and per-connection limits
 * @param workerThreads          threads that run handlers and store calls (never the loops)
 * @param passwordIterations     PBKDF2 cost of new password hashes
 * @param maxQueuedPerConnection requests one connection may have waiting before it gets BUSY
 * @param limits                 protocol field limits
 * @param abuse                  request rate, login throttling and login timeout
 * @param connectionLogLevel     level of the one log line per connection event (opened, logged in,
 *                               logged out, closed); FINE by default, so INFO logs stay quiet
 */
public record ChatServerConfig(ServerConfig net, int workerThreads, int passwordIterations,
                               int maxQueuedPerConnection, ChatLimits limits, AbuseLimits abuse,
                               Level connectionLogLevel) {
    public ChatServerConfig {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(abuse, "abuse");
        Objects.requireNonNull(connectionLogLevel, "connectionLogLevel");
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads cannot be less than 1: " + workerThreads);
        }
        if (passwordIterations < 1) {
            throw new IllegalArgumentException("passwordIterations cannot be less than 1: " + passwordIterations);
        }
        if (maxQueuedPerConnection < 1) {
            throw new IllegalArgumentException("maxQueuedPerConnection cannot be less than 1: " + maxQueuedPerConnection);
        }
    }

    /** Defaults around the given network config. */
    public static ChatServerConfig defaults(ServerConfig net) {
        return new ChatServerConfig(net, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                PasswordHasher.DEFAULT_ITERATIONS, 256, ChatLimits.DEFAULTS, AbuseLimits.DEFAULTS, Level.FINE);
    }

    public ChatServerConfig withPasswordIterations(int n) {
        return new ChatServerConfig(net, workerThreads, n, maxQueuedPerConnection, limits, abuse, connectionLogLevel);
    }

    public ChatServerConfig withLimits(ChatLimits l) {
        return new ChatServerConfig(net, workerThreads, passwordIterations, maxQueuedPerConnection, l, abuse, connectionLogLevel);
    }

    public ChatServerConfig withWorkerThreads(int n) {
        return new ChatServerConfig(net, n, passwordIterations, maxQueuedPerConnection, limits, abuse, connectionLogLevel);
    }

    public ChatServerConfig withAbuseLimits(AbuseLimits a) {
        return new ChatServerConfig(net, workerThreads, passwordIterations, maxQueuedPerConnection, limits, a, connectionLogLevel);
    }

    public ChatServerConfig withConnectionLogLevel(Level level) {
        return new ChatServerConfig(net, workerThreads, passwordIterations, maxQueuedPerConnection, limits, abuse, level);
    }
}
