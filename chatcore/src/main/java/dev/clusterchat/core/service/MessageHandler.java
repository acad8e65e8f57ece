package dev.clusterchat.core.service;

/**
 * Serves one msgid. Runs in the connection's serial queue on the worker pool, so it may block on
 * the store; requests of one connection are handled one at a time, in order. Throw
 * {@link dev.clusterchat.core.proto.ChatException} for an error reply; any other exception is
 * logged and answered with SERVER_ERROR. Stateless handlers are shared by every connection.
 */
@FunctionalInterface
public interface MessageHandler {
    void handle(Request request) throws Exception;
}
