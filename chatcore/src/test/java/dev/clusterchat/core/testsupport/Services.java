package dev.clusterchat.core.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guards for tests that need a real service (MariaDB, Redis) or its programs: when it is not
 * reachable or installed the test is skipped, or fails if the system property
 * {@code chat.requireServices} is "true" (as CI sets it).
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
        unavailable(what + " not reachable at " + host + ":" + port, failure.get().toString());
    }

    /**
     * Thread-safe: the path of an installed program, looked up in PATH and the sbin directories
     * (daemons live there and a non-root PATH often lacks them); if it is missing, aborts the
     * calling test (skipped) or fails it when services are required.
     */
    public static Path requireProgram(String name, String debianPackage) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        unavailable(name + " not installed", "apt-get install " + debianPackage);
        throw new AssertionError("unreachable");
    }

    /** Skips the calling test (one line on stderr per reason) or fails it when services are required. */
    private static void unavailable(String why, String detail) {
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            Assertions.fail(why + " (" + detail + ") and -D" + REQUIRE_PROPERTY + "=true");
        }
        if (REPORTED.add(why)) {
            System.err.println("SKIPPED: " + why + " (set -D" + REQUIRE_PROPERTY + "=true to fail instead)");
        }
        Assumptions.abort(why);
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
