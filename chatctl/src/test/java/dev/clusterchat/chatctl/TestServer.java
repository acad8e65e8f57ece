package dev.clusterchat.chatctl;

import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.AbuseLimits;
import dev.clusterchat.core.service.ChatServerConfig;
import dev.clusterchat.core.store.memory.MemoryStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An in-process chatd (ChatServer on a free port, in-memory store) and helpers that drive it through
 * chatctl. A test class shares one: {@code @RegisterExtension static final TestServer server = new TestServer();}
 * stops it after the class's tests.
 */
final class TestServer implements AutoCloseable, AfterAllCallback {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final MemoryStore store = new MemoryStore();
    private final ChatServer server;

    TestServer() {
        ChatServerConfig config = ChatServerConfig.defaults(ServerConfig.defaults(0).withIoThreads(2))
                .withPasswordIterations(1000)
                .withAbuseLimits(AbuseLimits.NONE); // the load generator's tests measure the server, not its limits
        server = new ChatServer(config, store).start();
    }

    int port() {
        return server.port();
    }

    String portArg() {
        return Integer.toString(port());
    }

    /** chatctl with --port of this server after the given subcommand. */
    Cli.Result run(String command, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = command;
        all[1] = "--port";
        all[2] = portArg();
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(all);
    }

    /** chatctl logged in as {@code u}: {@code command --port P --id ID --password PW args...}. */
    Cli.Result as(User u, String command, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--id";
        all[1] = u.idArg();
        all[2] = "--password";
        all[3] = u.password();
        System.arraycopy(args, 0, all, 4, args.length);
        return run(command, all);
    }

    /** A new group of {@code creator}'s, joined by {@code members}; its id. */
    long group(User creator, User... members) {
        Cli.Result r = as(creator, "creategroup", "g" + creator.id() + "-" + NAMES.incrementAndGet());
        Matcher m = Pattern.compile("created group (\\d+)").matcher(r.out());
        assertThat(m.find()).as(r.out() + r.err()).isTrue();
        for (User member : members) {
            Cli.Result joined = as(member, "addgroup", m.group(1));
            assertThat(joined.exit()).as(joined.err()).isZero();
        }
        return Long.parseLong(m.group(1));
    }

    /** A registered user with a fresh name. */
    User register(String prefix) {
        String name = prefix + NAMES.incrementAndGet();
        Cli.Result r = run("register", "--name", name, "--password", "pw-" + name);
        assertThat(r.exit()).as(r.err()).isZero();
        Matcher m = Pattern.compile("registered id (\\d+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return new User(Long.parseLong(m.group(1)), name, "pw-" + name);
    }

    record User(long id, String name, String password) {
        String idArg() {
            return Long.toString(id);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
        store.close();
    }
}
