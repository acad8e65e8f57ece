package dev.clusterchat.core.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's memory: the JVM heap (used and committed) and, on Linux, the resident set size
 * from {@code /proc/self/status} (left out where that file does not exist). Stateless; thread-safe.
 */
public final class ProcessMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMetrics() {
    }

    /** Thread-safe: adds the heap gauges, and the resident set size where it can be read. */
    public static void addTo(MetricsSnapshot.Builder b) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        b.gauge("jvm_memory_heap_used_bytes", "Bytes of the JVM heap in use.").sample(heap.getUsed());
        b.gauge("jvm_memory_heap_committed_bytes", "Bytes of the JVM heap reserved from the operating system.")
                .sample(heap.getCommitted());
        OptionalLong rss = residentBytes(STATUS);
        if (rss.isPresent()) {
            b.gauge("process_resident_memory_bytes", "Resident set size of the process (VmRSS), in bytes.")
                    .sample(rss.getAsLong());
        }
    }

    /** The {@code VmRSS} line of a Linux {@code status} file in bytes, or empty if absent or unreadable. */
    static OptionalLong residentBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    long kib = Long.parseLong(parts[0]);
                    return OptionalLong.of(kib * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a format we do not know: leave the gauge out
        }
        return OptionalLong.empty();
    }
}
