package dev.clusterchat.chatd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** chatd's options from CHATD_* variables and a --config file: precedence, and errors as one line. */
class ConfigDefaultsTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("chatd.properties"), text);
    }

    private static Chatd parse(Map<String, String> env, String... args) {
        Chatd chatd = new Chatd();
        Chatd.commandLine(chatd, env).parseArgs(args);
        return chatd;
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path f = file("""
                # chatd options
                max-message = 100
                idle-timeout=7
                workers=3
                admin-port=9100
                port=7000
                """);
        Chatd c = parse(Map.of("CHATD_MAX_MESSAGE", "200", "CHATD_ADMIN_HOST", "0.0.0.0", "CHATD_PORT", "7001"),
                "--config", f.toString(), "--idle-timeout", "9", "--port", "7002");
        assertThat(c.maxMessage).as("environment over file").isEqualTo(200);
        assertThat(c.idleTimeoutSeconds).as("flag over file").isEqualTo(9);
        assertThat(c.port).as("flag over environment and file").isEqualTo(7002);
        assertThat(c.workers).as("file over default").isEqualTo(3);
        assertThat(c.adminPort).isEqualTo(9100);
        assertThat(c.adminHost).isEqualTo("0.0.0.0");
        assertThat(c.maxFrame).as("default").isEqualTo(65536);
        assertThat(c.connectionLogLevel).isEqualTo("FINE");
        assertThat(parse(Map.of(), "--config", f.toString()).port).as("file over default").isEqualTo(7000);
        assertThat(parse(Map.of()).adminPort).as("the admin endpoint is off by default").isNull();
    }

    @Test
    void theEnvironmentCanNameTheFileAndSetEveryKindOfOption() throws IOException {
        Path f = file("init-db=true\ndb=jdbc:h2:mem:x\nredis=redis://127.0.0.1:6379\n");
        Chatd c = parse(Map.of("CHATD_CONFIG", f.toString(), "CHATD_DB_USER", "chat", "CHATD_DB_PASSWORD", "secret",
                "CHATD_DATA_DIR", "/var/lib/chatd", "CHATD_CONNECTION_LOG_LEVEL", "INFO"));
        assertThat(c.config).isEqualTo(f);
        assertThat(c.initDb).isTrue();
        assertThat(c.dbUrl).isEqualTo("jdbc:h2:mem:x");
        assertThat(c.redis).hasToString("redis://127.0.0.1:6379");
        assertThat(c.dbUser).isEqualTo("chat");
        assertThat(c.dbPassword).isEqualTo("secret");
        assertThat(c.dataDir).isEqualTo(Path.of("/var/lib/chatd"));
        assertThat(c.connectionLogLevel).isEqualTo("INFO");
        Path other = Files.writeString(dir.resolve("other.properties"), "init-db=false\n");
        assertThat(parse(Map.of("CHATD_CONFIG", f.toString()), "--config", other.toString()).initDb)
                .as("--config over $CHATD_CONFIG").isFalse();
    }

    @Test
    void aBadValueFromTheFileIsOneLineNamingItAndExit2() throws IOException {
        Path f = file("port=sixty\n");
        StringWriter err = new StringWriter();
        assertThat(ChatdTest.run(Map.of(), err, "--config", f.toString(), "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElseThrow())
                .isEqualTo("chatd: Invalid value for option '--port': 'sixty' is not an int (from config file " + f + ")");
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aBadValueFromTheEnvironmentIsOneLineNamingItAndExit2() {
        StringWriter err = new StringWriter();
        assertThat(ChatdTest.run(Map.of("CHATD_ADMIN_PORT", "x"), err, "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("chatd: Invalid value for option '--admin-port': 'x' is not an int"
                + " (from environment variable CHATD_ADMIN_PORT)\n");
        StringWriter err2 = new StringWriter();
        assertThat(ChatdTest.run(Map.of("CHATD_IO_THREADS", "0"), err2, "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err2.toString()).startsWith("chatd: ioThreads cannot be less than 1").doesNotContain("\tat ");
        StringWriter err3 = new StringWriter();
        assertThat(ChatdTest.run(Map.of("CHATD_CONNECTION_LOG_LEVEL", "LOUD"), err3, "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err3.toString()).startsWith("chatd: --connection-log-level: unknown level 'LOUD'");
        StringWriter err4 = new StringWriter();
        assertThat(ChatdTest.run(Map.of("CHATD_ADMIN_PORT", "70000"), err4, "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err4.toString()).startsWith("chatd: --admin-port must be between 0 and 65535: 70000");
    }

    @Test
    void aBadFlagIsNotBlamedOnTheEnvironment() {
        StringWriter err = new StringWriter();
        assertThat(ChatdTest.run(Map.of("CHATD_PORT", "6001"), err, "--port", "sixty")).isEqualTo(2);
        assertThat(err.toString()).startsWith("chatd: Invalid value for option '--port': 'sixty' is not an int\n");
    }

    @Test
    void anUnknownKeyOrAMissingFileIsOneLineAndExit2() throws IOException {
        Path f = file("prot=6001\nport=6001\nhelp=true\n");
        StringWriter err = new StringWriter();
        assertThat(ChatdTest.run(Map.of(), err, "--config", f.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("chatd: config file " + f + ": unknown options help, prot (keys are option names");
        StringWriter err2 = new StringWriter();
        Path missing = dir.resolve("missing.properties");
        assertThat(ChatdTest.run(Map.of("CHATD_CONFIG", missing.toString()), err2)).isEqualTo(2);
        assertThat(err2.toString()).startsWith("chatd: cannot read config file " + missing + ": no such file\n");
    }

    @Test
    void variableNamesFollowTheOptionNames() {
        assertThat(ConfigDefaults.envName("admin-port")).isEqualTo("CHATD_ADMIN_PORT");
        assertThat(ConfigDefaults.envName("db-password")).isEqualTo("CHATD_DB_PASSWORD");
    }
}
