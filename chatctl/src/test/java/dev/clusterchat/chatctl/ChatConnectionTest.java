package dev.clusterchat.chatctl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The client connection against scripted fake servers: seq matching, NUL frames, silence, hang-ups. */
@Timeout(30)
class ChatConnectionTest {

    /** A one-connection server that runs {@code script} with the first request line and the socket's output. */
    private static final class FakeServer implements AutoCloseable {
        final ServerSocket listener = new ServerSocket(0);
        final CompletableFuture<String> firstLine = new CompletableFuture<>();

        /** What the fake does after reading the first line. */
        interface Script {
            void run(String firstLine, BufferedReader in, Socket s) throws IOException;
        }

        FakeServer(Script script) throws IOException {
            Thread t = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    String line = in.readLine();
                    firstLine.complete(line);
                    script.run(line, in, s);
                } catch (IOException e) {
                    firstLine.completeExceptionally(e);
                }
            }, "fake-server");
            t.setDaemon(true);
            t.start();
        }

        String port() {
            return Integer.toString(listener.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    private static void write(Socket s, String text) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void repliesAreMatchedBySeqAndNulCrAndEmptyFramesAreHandled() throws Exception {
        try (FakeServer fake = new FakeServer((line, in, s) -> write(s,
                "{\"msgid\":6,\"id\":2,\"name\":\"li si\",\"toid\":1,\"msg\":\"first\",\"time\":\"t\"}\0"
                        + "\r\n\n{\"msgid\":19,\"errno\":0,\"seq\":1}\r\n"))) {
            Cli.Result r = Cli.run("--json", "send", "--port", fake.port(), "{\"msgid\":18}");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("{\"msgid\":6,\"id\":2,\"name\":\"li si\",\"toid\":1,\"msg\":\"first\",\"time\":\"t\"}\n"
                    + "{\"msgid\":19,\"errno\":0,\"seq\":1}\n");
            assertThat(fake.firstLine.get()).isEqualTo("{\"msgid\":18,\"seq\":1}");
        }
    }

    @Test
    void unsolicitedMessagesDuringAOneShotPrintReadably() throws Exception {
        try (FakeServer fake = new FakeServer((line, in, s) -> write(s,
                "{\"msgid\":10,\"id\":2,\"name\":\"li si\",\"groupid\":7,\"msg\":\"yo\",\"time\":\"t\"}\n"
                        + "{\"msgid\":5,\"errno\":0,\"id\":22,\"seq\":1}\n"))) {
            Cli.Result r = Cli.run("register", "--port", fake.port(), "--name", "zhang san", "--password", "x");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).isEqualTo("[t] group 7: li si(2): yo\nregistered id 22\n");
        }
    }

    @Test
    void silenceExits4() throws Exception {
        try (FakeServer fake = new FakeServer((line, in, s) -> {
            in.read(); // never answers; waits for the client to give up and close
        })) {
            Cli.Result r = Cli.run("send", "--port", fake.port(), "--timeout", "0.3", "{\"msgid\":18}");
            assertThat(r.exit()).isEqualTo(4);
            assertThat(r.err()).isEqualTo("chatctl: no reply to msgid 18 within 0.3 s\n");
        }
    }

    @Test
    void aHangUpWhileWaitingExits3() throws Exception {
        try (FakeServer fake = new FakeServer((line, in, s) -> {
            // returns: the socket closes
        })) {
            Cli.Result r = Cli.run("register", "--port", fake.port(), "--name", "a", "--password", "b");
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.err()).isEqualTo("chatctl: connection to 127.0.0.1:" + fake.port() + " closed by the server\n");
        }
    }

    @Test
    void anErrorWithoutSeqAnswersTheOldestRequest() throws Exception {
        try (FakeServer fake = new FakeServer((line, in, s) -> write(s,
                "{\"msgid\":17,\"errno\":11,\"errmsg\":\"frame longer than 65536 bytes; closing the connection\"}\n"))) {
            Cli.Result r = Cli.run("send", "--port", fake.port(), "{\"msgid\":18,\"pad\":\"x\"}");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("chatctl: send failed: frame longer than 65536 bytes; closing the connection (errno 11)\n");
        }
    }

    /** A fake that accepts the login, reads the chat message and answers it with {@code reply} (null: never). */
    private static FakeServer loginThenChat(String reply) throws IOException {
        return new FakeServer((line, in, s) -> {
            write(s, "{\"msgid\":2,\"errno\":0,\"id\":1,\"name\":\"x\",\"seq\":1}\n");
            in.readLine();
            if (reply != null) {
                write(s, reply + "\n");
            }
            in.read(); // waits for the client to close
        });
    }

    @Test
    void aChatThatMayNotBeStoredNamesItsCmidForTheResend() throws Exception {
        try (FakeServer fake = loginThenChat(null)) {
            Cli.Result r = Cli.run("chat", "--port", fake.port(), "--timeout", "0.3", "--id", "1", "--password", "p",
                    "--to", "2", "--cmid", "c-7", "hi");
            assertThat(r.exit()).isEqualTo(4);
            assertThat(r.err()).isEqualTo("chatctl: no reply to chat within 0.3 s; resend with --cmid c-7 to store it "
                    + "at most once\n");
        }
        try (FakeServer fake = loginThenChat("{\"msgid\":16,\"errno\":13,\"errmsg\":\"database unavailable, try again "
                + "later\",\"seq\":2}")) {
            Cli.Result r = Cli.run("groupchat", "--port", fake.port(), "--id", "1", "--password", "p", "5", "hi");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).matches("chatctl: groupchat failed: database unavailable, try again later \\(errno 13\\); "
                    + "resend with --cmid [-0-9a-f]{36} to store it at most once\n");
        }
    }

    @Test
    void listenPingsAndKeepsThePongsToItself() throws Exception {
        CompletableFuture<String> secondLine = new CompletableFuture<>();
        try (FakeServer fake = new FakeServer((line, in, s) -> {
            write(s, "{\"msgid\":2,\"errno\":0,\"id\":1,\"name\":\"x\",\"friends\":[],\"groups\":[],"
                    + "\"offlinemsg\":[],\"seq\":1}\n");
            String ping = in.readLine();
            secondLine.complete(ping);
            write(s, "{\"msgid\":19,\"errno\":0,\"time\":1,\"seq\":" + ping.replaceAll(".*\"seq\":(\\d+).*", "$1") + "}\n");
            write(s, "{\"msgid\":6,\"id\":2,\"name\":\"y\",\"toid\":1,\"msg\":\"m\",\"time\":\"t\"}\n");
        })) {
            Cli.Running listen = Cli.start("listen", "--port", fake.port(), "--id", "1", "--password", "p", "--ping", "0.05");
            assertThat(listen.awaitExit()).as("the fake hangs up after the message").isEqualTo(3);
            assertThat(fake.firstLine.get()).startsWith("{\"msgid\":1,\"id\":1,\"password\":\"p\"");
            assertThat(secondLine.get()).matches("\\{\"msgid\":18,\"seq\":\\d+}");
            assertThat(listen.out().text()).isEqualTo("[t] y(2) -> you: m\n");
        }
    }
}
