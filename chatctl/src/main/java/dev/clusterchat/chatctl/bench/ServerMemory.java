package dev.clusterchat.chatctl.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The server's memory as its admin endpoint reports it ({@code /metrics}: heap used, resident set
 * size, open connections). Heap used counts garbage too, so a reading first asks the server's JVM
 * for a full collection with {@code jcmd PID GC.run} when its pid is known (same machine), and
 * otherwise takes the least of a few readings. Used from the command's thread only.
 */
final class ServerMemory {
    static final String HEAP = "jvm_memory_heap_used_bytes";
    static final String COMMITTED = "jvm_memory_heap_committed_bytes";
    static final String RSS = "process_resident_memory_bytes";
    static final String OPEN = "chat_connections_open";
    private static final int READINGS = 5;

    /** One reading; a metric the server did not report is NaN. */
    record Reading(double heapBytes, double committedBytes, double rssBytes, double connectionsOpen, boolean afterFullGc) {
    }

    private final URI metrics;
    private final Long gcPid;

    ServerMemory(String adminUrl, Long gcPid) {
        String base = adminUrl.endsWith("/") ? adminUrl.substring(0, adminUrl.length() - 1) : adminUrl;
        this.metrics = URI.create(base + "/metrics");
        this.gcPid = gcPid;
    }

    URI uri() {
        return metrics;
    }

    /** Reads the metrics now: after a full GC with a pid, else the least heap of a few readings a second apart. */
    Reading read() {
        if (gcPid != null) {
            fullGc(gcPid);
            return reading(scrape(), true);
        }
        Reading least = null;
        for (int i = 0; i < READINGS; i++) {
            if (i > 0) {
                sleep(1000);
            }
            Reading r = reading(scrape(), false);
            if (least == null || r.heapBytes() < least.heapBytes()) {
                least = r;
            }
        }
        return least;
    }

    private static Reading reading(String text, boolean afterGc) {
        return new Reading(value(text, HEAP).orElse(Double.NaN), value(text, COMMITTED).orElse(Double.NaN),
                value(text, RSS).orElse(Double.NaN),
                value(text, OPEN).orElse(Double.NaN), afterGc);
    }

    /** The value of an unlabelled sample {@code name} in Prometheus text, if present. */
    static OptionalDouble value(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return OptionalDouble.of(Double.parseDouble(line.substring(name.length() + 1).trim()));
            }
        }
        return OptionalDouble.empty();
    }

    private String scrape() {
        try {
            HttpURLConnection c = (HttpURLConnection) metrics.toURL().openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(10_000);
            try (InputStream in = c.getInputStream()) {
                if (c.getResponseCode() != 200) {
                    throw new IOException("HTTP " + c.getResponseCode());
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                c.disconnect();
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new BenchException(BenchException.UNREACHABLE, "cannot read " + metrics + ": " + e.getMessage());
        }
    }

    /** Runs {@code jcmd PID GC.run} (the jcmd next to this JVM's java, else on the PATH) and waits for it. */
    private static void fullGc(long pid) {
        Path sibling = ProcessHandle.current().info().command().map(Path::of)
                .map(java -> java.resolveSibling("jcmd")).filter(Files::isExecutable).orElse(null);
        String jcmd = sibling != null ? sibling.toString() : "jcmd";
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                throw new BenchException(BenchException.UNREACHABLE, "jcmd " + pid + " GC.run failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new BenchException(BenchException.UNREACHABLE, "cannot run jcmd: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException(BenchException.UNREACHABLE, "interrupted");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException(BenchException.UNREACHABLE, "interrupted");
        }
    }
}
