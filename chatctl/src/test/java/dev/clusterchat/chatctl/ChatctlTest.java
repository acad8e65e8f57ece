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
                "groupchat", "logout", "sync", "history", "send", "listen", "shell"}) {
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
        assertThat(Cli.run("chat", "--help").out()).contains("--cmid=KEY", "idempotency key", "msgno");
        assertThat(Cli.run("groupchat", "--help").out()).contains("--cmid=KEY");
        Cli.Result sync = Cli.run("sync", "--help");
        assertThat(sync.exit()).isZero();
        assertThat(sync.out()).contains("\"ack\":true", "msgid 22", "--from-useq=N", "--from-gseq=GROUP=N", "--all",
                "--limit=N", "Default: 100", "--no-ack", "--follow", "--count=N", "--ping=SECONDS", "--json");
        Cli.Result history = Cli.run("history", "--help");
        assertThat(history.exit()).isZero();
        assertThat(history.out()).contains("msgid 24", "newest first", "--peer=ID", "--group=GROUPID", "--before=MSGNO",
                "--limit=N", "Default: 50", "--pages=N", "--all");
        assertThat(Cli.run("shell", "--help").out()).contains("--ack");
    }

    @Test
    void badSyncHistoryAndCmidOptionsAreOneLineUsageErrors() {
        String[] login = {"--id", "1", "--password", "x"};
        assertUsage(Cli.run(with(login, "sync", "--all", "--from-useq", "1")),
                "chatctl: --all cannot be combined with --from-useq or --from-gseq");
        assertUsage(Cli.run(with(login, "sync", "--limit", "0")), "chatctl: --limit must be between 1 and 1000: 0");
        assertUsage(Cli.run(with(login, "sync", "--from-useq", "-1")), "chatctl: --from-useq must be 0 or more: -1");
        assertUsage(Cli.run(with(login, "sync", "--from-gseq", "0=3")),
                "chatctl: --from-gseq needs a positive group id and a seq of 0 or more: 0=3");
        assertThat(Cli.run(with(login, "sync", "--from-gseq", "x=3")).err()).startsWith("chatctl: Invalid value");
        assertUsage(Cli.run(with(login, "sync", "--count", "0")), "chatctl: --count must be at least 1: 0");
        assertThat(Cli.run(with(login, "history")).err()).startsWith("chatctl: Missing required argument")
                .contains("--peer=ID", "--group=GROUPID").hasLineCount(2);
        assertThat(Cli.run(with(login, "history", "--peer", "2", "--group", "3")).err())
                .startsWith("chatctl: --peer=ID, --group=GROUPID are mutually exclusive").hasLineCount(2);
        assertUsage(Cli.run(with(login, "history", "--peer", "0")), "chatctl: --peer must be a positive integer: 0");
        assertUsage(Cli.run(with(login, "history", "--group", "2", "--limit", "1001")),
                "chatctl: --limit must be between 1 and 1000: 1001");
        assertUsage(Cli.run(with(login, "history", "--group", "2", "--pages", "2", "--all")),
                "chatctl: --all cannot be combined with --pages");
        assertUsage(Cli.run(with(login, "chat", "--to", "2", "--cmid", "k".repeat(65), "hi")),
                "chatctl: --cmid must be 1 to 64 characters: 65");
        assertUsage(Cli.run(with(login, "groupchat", "--cmid", "", "2", "hi")),
                "chatctl: --cmid must be 1 to 64 characters: 0");
    }

    /** {@code command args... login...}. */
    private static String[] with(String[] login, String command, String... args) {
        String[] all = new String[1 + args.length + login.length];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(login, 0, all, 1 + args.length, login.length);
        return all;
    }

    private static void assertUsage(Cli.Result r, String line) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith(line + "\n").hasLineCount(2);
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
