package dev.clusterchat.chatd;

import java.util.logging.Logger;

/**
 * SIGINT and SIGTERM start a graceful stop and chatd exits 0 (a plain shutdown hook would exit
 * 130/143). Falls back to a shutdown hook where signal handling is not available.
 */
final class Signals {
    private static final Logger LOG = Logger.getLogger(Signals.class.getName());

    private Signals() {
    }

    static void onStop(Runnable stop) {
        try {
            for (String name : new String[]{"INT", "TERM"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop.run());
            }
        } catch (Throwable t) {
            LOG.fine("signal handlers unavailable (" + t + "); using a shutdown hook");
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "chatd-stop"));
        }
    }
}
