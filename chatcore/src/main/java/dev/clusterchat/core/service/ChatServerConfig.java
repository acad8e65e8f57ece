package dev.clusterchat.core.service;

import dev.clusterchat.core.net.ServerConfig;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;

/**
 * Everything a {@link ChatServer} needs besides its store. Validated eagerly.
 *
 * @param net                    listening address, loops and per-connection limits
 * @param workerThreads          threads that run handlers and store calls (never the loops)
 * @param passwordIterations     PBKDF2 cost of new password hashes
 * @param maxQueuedPerConnection requests one connection may have waiting (queued, or unanswered until their
 *                               message is committed) before it gets BUSY
 * @param limits                 protocol field limits
 * @param abuse                  request rate, login throttling and login timeout
 * @param connectionLogLevel     level of the one log line per connection event (opened, logged in,
 *                               logged out, closed); FINE by default, so INFO logs stay quiet
 * @param trustedProxies         peers (e.g. nginx with {@code proxy_protocol on}) whose connections may begin
 *                               with a PROXY protocol v1 header naming the real client; empty by default
 */
public record ChatServerConfig(ServerConfig net, int workerThreads, int passwordIterations,
                               int maxQueuedPerConnection, ChatLimits limits, AbuseLimits abuse,
                               Level connectionLogLevel, Set<InetAddress> trustedProxies) {
    public ChatServerConfig {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(abuse, "abuse");
        Objects.requireNonNull(connectionLogLevel, "connectionLogLevel");
        trustedProxies = Set.copyOf(Objects.requireNonNull(trustedProxies, "trustedProxies"));
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
                PasswordHasher.DEFAULT_ITERATIONS, 256, ChatLimits.DEFAULTS, AbuseLimits.DEFAULTS, Level.FINE,
                Set.of());
    }

    public ChatServerConfig withPasswordIterations(int n) {
        return new ChatServerConfig(net, workerThreads, n, maxQueuedPerConnection, limits, abuse, connectionLogLevel, trustedProxies);
    }

    public ChatServerConfig withMaxQueuedPerConnection(int n) {
        return new ChatServerConfig(net, workerThreads, passwordIterations, n, limits, abuse, connectionLogLevel, trustedProxies);
    }

    public ChatServerConfig withLimits(ChatLimits l) {
        return new ChatServerConfig(net, workerThreads, passwordIterations, maxQueuedPerConnection, l, abuse, connectionLogLevel, trustedProxies);
    }

    public ChatServerConfig withWorkerThreads(int n) {
        return new ChatServerConfig(net, n, passwordIterations, maxQueuedPerConnection, limits, abuse, connectionLogLevel, trustedProxies);
    }

    public ChatServerConfig withAbuseLimits(AbuseLimits a) {
        return new ChatServerConfig(net, workerThreads, passwordIterations, maxQueuedPerConnection, limits, a, connectionLogLevel, trustedProxies);
    }

    public ChatServerConfig withConnectionLogLevel(Level level) {
        return new ChatServerConfig(net, workerThreads, passwordIterations, maxQueuedPerConnection, limits, abuse, level, trustedProxies);
    }

    public ChatServerConfig withTrustedProxies(Collection<InetAddress> proxies) {
        return new ChatServerConfig(net, workerThreads, passwordIterations, maxQueuedPerConnection, limits, abuse,
                connectionLogLevel, Set.copyOf(proxies));
    }
}
