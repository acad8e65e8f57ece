package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchConnectionTest {
    @Test
    void aCallUnansweredWhenTheServerHangsUpFails() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             BenchLoop loop = new BenchLoop(0)) {
            BenchConnection c = BenchConnection.open(new InetSocketAddress("127.0.0.1", server.getLocalPort()), null,
                    5000, loop, false);
            CompletableFuture<JsonObject> reply = c.call(Harness.request(99));
            try (Socket s = server.accept()) {
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertThat(line).isEqualTo("{\"msgid\":99,\"seq\":1}");
            }
            assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("connection closed");
        }
    }

    @Test
    void everyCallIsAnsweredInBothWritingModes() throws Exception {
        for (boolean writeEach : new boolean[] {false, true}) {
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                 BenchLoop loop = new BenchLoop(0)) {
                BenchConnection c = BenchConnection.open(new InetSocketAddress("127.0.0.1", server.getLocalPort()), null,
                        5000, loop, writeEach);
                List<CompletableFuture<JsonObject>> replies = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    replies.add(c.call(Harness.request(i)));
                }
                try (Socket s = server.accept()) { // an echo of each request's seq, as a reply
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < 500; i++) {
                        String line = in.readLine();
                        String seq = line.substring(line.indexOf("\"seq\":") + 6, line.length() - 1);
                        out.write(("{\"errno\":0,\"n\":" + i + ",\"seq\":" + seq + "}\n").getBytes(StandardCharsets.UTF_8));
                    }
                    out.flush();
                    for (int i = 0; i < 500; i++) {
                        assertThat(replies.get(i).get(5, TimeUnit.SECONDS).get("n").getAsInt()).as("write each %s", writeEach)
                                .isEqualTo(i);
                    }
                }
            }
        }
    }
}
