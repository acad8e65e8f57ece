package dev.clusterchat.core.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The resident set size is read from a Linux status file, and left out without one. */
class ProcessMetricsTest {
    @TempDir
    Path dir;

    @Test
    void vmRssIsReadInBytes() throws Exception {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  123456 kB\nThreads:\t42\n");
        assertThat(ProcessMetrics.residentBytes(status)).hasValue(123456L * 1024);
    }

    @Test
    void noFileOrNoLineMeansNoValue() throws Exception {
        assertThat(ProcessMetrics.residentBytes(dir.resolve("absent"))).isEmpty();
        Path other = Files.writeString(dir.resolve("other"), "Name:\tjava\n");
        assertThat(ProcessMetrics.residentBytes(other)).isEmpty();
    }
}
