package dev.clusterchat.core.cluster;

/** The cluster backend (Redis) cannot be reached. Unchecked, with context. */
public final class ClusterUnavailableException extends RuntimeException {
    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
