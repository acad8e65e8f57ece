package dev.clusterchat.chatd;

import com.google.gson.JsonObject;
import dev.clusterchat.core.proto.MsgId;
import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The shaded jar as a user runs it: serves, and exits 0 on SIGTERM after a graceful stop. */
@Timeout(90)
class ChatdJarIT {
    @TempDir
    Path dir;

    @Test
    void jarServesAndStopsCleanlyOnSigterm() throws Exception {
        Path jar = Path.of("target", "chatd.jar");
        assertThat(Files.exists(jar)).as("target/chatd.jar is built by package").isTrue();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--port", "0", "--host", "127.0.0.1", "--data-dir", dir.toString(),
                "--password-iterations", "1000")
                .redirectErrorStream(true).redirectOutput(dir.resolve("chatd.log").toFile()).start();
        try {
            Path logFile = dir.resolve("chatd.log");
            Pattern listening = Pattern.compile("chatd listening on [^ ]+:(\\d+)");
            int port = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (port < 0 && p.isAlive() && System.nanoTime() < deadline) {
                Matcher m = listening.matcher(Files.readString(logFile));
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                } else {
                    Thread.sleep(50); // polling a file the child writes; no event to wait on
                }
            }
            assertThat(port).as("no 'listening' line in:\n" + Files.readString(logFile)).isPositive();
            try (ChatClient c = ChatClient.connect(port)) {
                JsonObject r = c.request("{\"msgid\":4,\"name\":\"jar user\",\"password\":\"pw\"}", MsgId.REG_ACK);
                assertThat(r.get("errno").getAsInt()).isZero();
                assertThat(c.request("{\"msgid\":1,\"id\":" + r.get("id").getAsLong() + ",\"password\":\"pw\"}", MsgId.LOGIN_ACK)
                        .get("errno").getAsInt()).isZero();
                p.destroy(); // SIGTERM
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isZero();
                assertThat(c.closedByServer()).isTrue();
            }
            assertThat(Files.readString(logFile)).contains("chatd stopping").contains("chatd stopped");
        } finally {
            p.destroyForcibly();
        }
    }
}
