package dev.clusterchat.chatctl;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pings the server (msgid 18) at a fixed interval, so idle timeouts do not drop a client that only
 * waits, until the connection closes. The pongs are not shown. Runs on its own daemon thread.
 */
final class Keepalive {
    private Keepalive() {
    }

    /** Pings every {@code interval} (never if zero) until the connection closes. */
    static void start(ChatConnection connection, Duration interval) {
        if (interval.isZero()) {
            return;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chatctl-keepalive");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleAtFixedRate(() -> connection.sendQuiet(Requests.ping()), ms, ms, TimeUnit.MILLISECONDS);
        connection.closed().thenRun(timer::shutdownNow);
    }
}
