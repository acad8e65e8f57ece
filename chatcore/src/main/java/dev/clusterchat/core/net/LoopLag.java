package dev.clusterchat.core.net;

/**
 * How late one event loop ran its timers (see {@link TcpServer#loopLag()}).
 *
 * @param loop        the loop's thread name
 * @param lagNanos    the lag of the last probe
 * @param maxLagNanos the largest lag over the last 10 to 20 seconds
 */
public record LoopLag(String loop, long lagNanos, long maxLagNanos) {
}
