package dev.clusterchat.core.net;

/** Why bytes could not become a frame. */
public enum FrameError {
    /**
     * More than the maximum frame length without a terminator: parsing stops, nothing more is read,
     * and the handler is told the input ended (it closes the connection).
     */
    TOO_LONG,
    /** The frame is not well-formed UTF-8: the frame is dropped, the connection goes on. */
    INVALID_UTF8,
    /**
     * A frame was begun but not completed within the frame timeout (a slowloris client): the
     * connection is closed, flushing whatever the handler sent.
     */
    INCOMPLETE
}
