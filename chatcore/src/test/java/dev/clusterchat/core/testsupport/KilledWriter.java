package dev.clusterchat.core.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash test's writer: a child JVM running a test class's {@code main}, which prints a number
 * after each write it was told succeeded (a seq, say); once it printed at least a target, it is
 * killed with SIGKILL (no shutdown hook, no close). Stateless; one call per child.
 */
public final class KilledWriter {
    private KilledWriter() {
    }

    /**
     * Runs {@code main} with {@code args} on this JVM's class path, kills it once it printed a number
     * at least {@code target}, and returns the last number it printed. Its stderr goes to
     * {@code dir/child.err}, quoted if it stops early.
     */
    public static long runUntil(Class<?> main, Path dir, long target, String... args)
            throws IOException, InterruptedException {
        Path stderr = dir.resolve("child.err");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        long printed = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            while (printed < target) {
                String line = out.readLine();
                assertThat(line).as("child output; its stderr: %s", Files.exists(stderr) ? Files.readString(stderr) : "")
                        .isNotNull();
                printed = Long.parseLong(line.strip());
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("child killed").isTrue();
        }
        return printed;
    }
}
