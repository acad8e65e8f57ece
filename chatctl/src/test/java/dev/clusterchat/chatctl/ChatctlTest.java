package dev.clusterchat.chatctl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Help, version, usage errors and the unreachable server: no server needed. */
@Timeout(30)
class ChatctlTest {

    @Test
    void rootHelpListsEveryCommandWithOneLine() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.exit()).isZero();
        for (String c : new String[] {"register", "login", "chat", "addfriend", "creategroup", "addgroup",
                "groupchat", "logout", "send", "listen", "shell"}) {
            assertThat(r.out()).containsPattern("(?m)^  " + c + " +\\S");
        }
        assertThat(r.out()).contains("--host=HOST", "--port=PORT", "--json", "--timeout=SECONDS", "Exit codes:");
    }

    @Test
    void subcommandHelpExplainsOptionsWithDefaults() {
        Cli.Result r = Cli.run("chat", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--to=ID", "--id=ID", "--password=PASSWORD", "CHATCTL_PASSWORD",
                "Default: 127.0.0.1", "Default: 6000", "Default: 10");
        assertThat(Cli.run("listen", "--help").out()).contains("--ping=SECONDS", "Default: 30");
        assertThat(Cli.run("send", "--help").out()).contains("--count=N", "Default: 1", "--wait=SECONDS");
    }

    @Test
    void versionFallsBackToDevOutsideTheJar() {
        Cli.Result r = Cli.run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("chatctl dev");
    }

    @Test
    void unknownOptionIsOneLinePlusHintAndExit2() {
        Cli.Result r = Cli.run("login", "--bogus");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("chatctl: Unknown option: '--bogus'\n"
                + "Try 'chatctl login --help' for more information.\n");

        Cli.Result root = Cli.run("--bogus");
        assertThat(root.exit()).isEqualTo(2);
        assertThat(root.err()).endsWith("Try 'chatctl --help' for more information.\n").hasLineCount(2);
    }

    @Test
    void badValuesAndMissingCommandAreUsageErrors() {
        assertThat(Cli.run().exit()).isEqualTo(2);
        assertThat(Cli.run().err()).startsWith("chatctl: missing command");
        Cli.Result port = Cli.run("login", "--port", "abc", "--id", "1", "--password", "x");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).hasLineCount(2).startsWith("chatctl: Invalid value for option '--port'");
        Cli.Result range = Cli.run("login", "--port", "70000", "--id", "1", "--password", "x");
        assertThat(range.exit()).isEqualTo(2);
        assertThat(range.err()).startsWith("chatctl: --port must be between 1 and 65535: 70000\n");
        assertThat(Cli.run("chat", "--id", "1", "--password", "x", "--to", "2").exit()).isEqualTo(2);
        assertThat(Cli.run("send", "not json").err()).startsWith("chatctl: JSON ");
        assertThat(Cli.run("send", "--count", "2", "{\"msgid\":18,\"seq\":1}").exit()).isEqualTo(2);
    }

    @Test
    void missingPasswordWithoutEnvironmentIsAUsageError() {
        Cli.Result r = Cli.run("", Map.of(), "login", "--id", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("chatctl: missing --password (or set CHATCTL_PASSWORD)\n").hasLineCount(2);
        assertThat(Cli.run("login", "--password", "x").err()).startsWith("chatctl: missing required option: '--id=ID'");
    }

    @Test
    void unreachableServerExits3WithOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Result r = Cli.run("login", "--port", Integer.toString(port), "--id", "1", "--password", "x");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("chatctl: cannot connect to 127.0.0.1:" + port + ": Connection refused\n");

        Cli.Result before = Cli.run("--port", Integer.toString(port), "send", "{\"msgid\":18}");
        assertThat(before.exit()).as("--port before the subcommand applies to it").isEqualTo(3);
    }
}
