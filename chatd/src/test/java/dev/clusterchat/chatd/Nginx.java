package dev.clusterchat.chatd;

import dev.clusterchat.core.testsupport.Services;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (stream module) in front of chatd nodes, configured from the repository's
 * nginx.conf.example with the nodes' and its own ports swapped in. Skips the test (or fails it in
 * CI) when nginx is not installed.
 */
final class Nginx implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static Nginx start(Path dir, int nodeA, int nodeB) throws IOException, InterruptedException {
        String nginx = List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        if (nginx == null) {
            String why = "nginx not installed (apt-get install nginx libnginx-mod-stream)";
            if (Boolean.getBoolean(Services.REQUIRE_PROPERTY)) {
                Assertions.fail(why + " and -D" + Services.REQUIRE_PROPERTY + "=true");
            }
            System.err.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String example = Files.readString(Path.of("..", "nginx.conf.example"));
        String conf = example.replace("127.0.0.1:6001", "127.0.0.1:" + nodeA)
                .replace("127.0.0.1:6002", "127.0.0.1:" + nodeB)
                .replace("listen 8000;", "listen 127.0.0.1:" + port + ";");
        Path module = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");
        if (Files.exists(module)) {
            conf = "load_module " + module + ";\n" + conf;
        }
        Files.createDirectories(dir.resolve("logs"));
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(nginx, "-c", confFile.toAbsolutePath().toString(), "-p", dir.toAbsolutePath() + "/",
                "-g", "daemon off;", "-e", "stderr")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new Nginx(p, port, dir);
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("nginx.log")));
                }
                Thread.sleep(50); // waiting for nginx to listen; nothing to wait on but the port
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("nginx did not listen on " + port + ": " + Files.readString(dir.resolve("nginx.log")));
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
