package dev.clusterchat.core.net;

/** Why a connection ended, as {@link Connection#closeReason()} tells it once the close has begun. */
public enum CloseReason {
    /** The peer closed its side (FIN) or reset the connection. */
    PEER,
    /** Nothing was read for the idle timeout. */
    IDLE,
    /** Output waiting for a peer that stopped reading passed the high-water mark. */
    HIGH_WATER,
    /** A frame longer than the maximum: the server answered it and closed. */
    FRAME_ERROR,
    /** The server closed it on purpose (graceful stop, or the application asked). */
    SERVER,
    /** A handler or the server failed unexpectedly while serving it. */
    ERROR;

    /** Thread-safe: the lower-case name used in logs and metric labels, e.g. {@code high_water}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
