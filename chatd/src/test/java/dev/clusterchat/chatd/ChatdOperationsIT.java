package dev.clusterchat.chatd;

import dev.clusterchat.core.testsupport.ChatClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar configured through real environment variables and a config file: admin endpoint and connection log. */
@Timeout(90)
class ChatdOperationsIT {
    private static final Pattern ADMIN = Pattern.compile("chatd admin endpoint on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    @Test
    void environmentAndConfigFileConfigureTheAdminEndpointAndTheConnectionLog() throws Exception {
        Path config = Files.writeString(dir.resolve("chatd.properties"), "data-dir=" + dir.resolve("data") + "\nadmin-port=0\n");
        Map<String, String> env = Map.of("CHATD_CONFIG", config.toString(), "CHATD_CONNECTION_LOG_LEVEL", "INFO");
        try (ChatdProcess chatd = ChatdProcess.start(dir, "chatd", env)) {
            // the admin line is logged just after the "listening" line that start() waited for
            Matcher m = ADMIN.matcher(chatd.log());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!m.find() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                m = ADMIN.matcher(chatd.log());
            }
            m = ADMIN.matcher(chatd.log());
            assertThat(m.find()).as("no admin endpoint line in:\n" + chatd.log()).isTrue();
            URI ready = URI.create("http://127.0.0.1:" + m.group(1) + "/health/ready");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Files.exists(dir.resolve("data").resolve("chat.mv.db"))).as("data-dir from the file").isTrue();
            int clientPort;
            try (ChatClient c = ChatClient.connect(chatd.port())) {
                clientPort = c.socket().getLocalPort();
                c.register("env user", "pw");
            }
            assertThat(chatd.stop()).isZero();
            assertThat(chatd.log()).contains("opened from 127.0.0.1:" + clientPort, "from 127.0.0.1:" + clientPort + " closed (peer)");
        }
    }
}
