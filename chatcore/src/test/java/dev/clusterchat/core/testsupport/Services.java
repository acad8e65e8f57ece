package dev.clusterchat.core.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guards for tests that need a real service (MariaDB, Redis): when it is not reachable the test is
 * skipped, or fails if the system property {@code chat.requireServices} is "true" (as CI sets it).
 * Each address is probed once per JVM and a skip is reported once, so calling this before every
 * test (which makes each one count as skipped) stays cheap and quiet. Thread-safe.
 */
public final class Services {
    /** The system property that turns a skip into a failure. */
    public static final String REQUIRE_PROPERTY = "chat.requireServices";
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;
    private static final Map<String, Optional<IOException>> PROBES = new ConcurrentHashMap<>();
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private Services() {
    }

    /**
     * Thread-safe: returns if {@code host:port} accepts a TCP connection; otherwise aborts the
     * calling test (skipped, with one line on stderr) or fails it when services are required.
     */
    public static void requireTcp(String what, String host, int port) {
        Optional<IOException> failure = probe(host, port);
        if (failure.isEmpty()) {
            return;
        }
        String where = what + " not reachable at " + host + ":" + port;
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            Assertions.fail(where + " (" + failure.get() + ") and -D" + REQUIRE_PROPERTY + "=true");
        }
        if (REPORTED.add(where)) {
            System.err.println("SKIPPED: " + where + " (set -D" + REQUIRE_PROPERTY + "=true to fail instead)");
        }
        Assumptions.abort(where);
    }

    /** Thread-safe: whether {@code host:port} accepted a TCP connection within a second (probed once). */
    public static boolean reachable(String host, int port) {
        return probe(host, port).isEmpty();
    }

    private static Optional<IOException> probe(String host, int port) {
        return PROBES.computeIfAbsent(host + ":" + port, k -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of(e);
            }
        });
    }
}
