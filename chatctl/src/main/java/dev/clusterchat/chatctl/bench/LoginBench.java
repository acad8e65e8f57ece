package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * chatctl bench login: registers N fresh users, then logs each in once (and out again), over C
 * connections each working through its share one request at a time. Exit 1 if any request failed.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Register N users, then log each in once, over C concurrent connections.",
                "Reports registrations/s, logins/s, p50/p99 latency and errors. Exit 1 if any failed."})
final class LoginBench extends Scenario {
    private static final int REGISTER = 0;
    private static final int LOGIN = 1;

    @Option(names = "--users", paramLabel = "N", description = "Users to register and log in. Default: 100.")
    int users = 100;

    @Option(names = "--concurrency", paramLabel = "C", description = "Connections working at once. Default: 10.")
    int concurrency = 10;

    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private AtomicLongArray ids;

    @Override
    void validate() {
        require(users >= 1, "--users must be at least 1: " + users);
        require(concurrency >= 1, "--concurrency must be at least 1: " + concurrency);
    }

    @Override
    int connectionsNeeded() {
        return Math.min(users, concurrency);
    }

    @Override
    int run(Harness h) {
        int c = connectionsNeeded();
        List<BenchConnection> conns = h.connect(c);
        conns.forEach(conn -> conn.onClose(errors::incrementAndGet));
        ids = new AtomicLongArray(users);

        long t0 = System.nanoTime();
        for (int i = 0; i < c; i++) {
            BenchConnection conn = conns.get(i);
            int first = i;
            conn.loop().execute(() -> register(h, conn, first, c));
        }
        boolean registered = h.waitFor(() -> done.get() == users || allClosed(conns), Long.MAX_VALUE,
                () -> "registered " + done.get() + "/" + users + ", errors " + errors.get());
        long t1 = System.nanoTime();
        long registerErrors = errors.get();

        done.set(0);
        for (int i = 0; i < c; i++) {
            BenchConnection conn = conns.get(i);
            int first = i;
            conn.loop().execute(() -> login(conn, first, c));
        }
        h.waitFor(() -> done.get() == users || allClosed(conns), Long.MAX_VALUE,
                () -> "logged in " + done.get() + "/" + users + ", errors " + errors.get());
        long t2 = System.nanoTime();
        int loggedIn = done.get();
        h.close();

        long loginErrors = errors.get() - registerErrors;
        double regSeconds = (t1 - t0) / 1e9;
        double loginSeconds = (t2 - t1) / 1e9;
        Histogram reg = h.merged(REGISTER);
        Histogram login = h.merged(LOGIN);
        Report r = new Report("login").put("users", users).put("concurrency", c)
                .put("registrations", reg.count()).put("registration_seconds", regSeconds)
                .put("registrations_per_second", Report.perSecond(users, regSeconds))
                .put("logins", login.count()).put("login_seconds", loginSeconds)
                .put("logins_per_second", Report.perSecond(loggedIn, loginSeconds))
                .put("errors", errors.get());
        String regLatency = r.latency("registration_latency", reg, false);
        String loginLatency = r.latency("login_latency", login, false);
        r.line("login: %d users over %d connections (name prefix %s)", users, c, h.prefix)
                .line("registrations  %d in %.2f s  %.1f/s  latency %s  errors %d", reg.count(), regSeconds,
                        Report.perSecond(users, regSeconds), regLatency, registerErrors)
                .line("logins         %d in %.2f s  %.1f/s  latency %s  errors %d", login.count(), loginSeconds,
                        Report.perSecond(loggedIn, loginSeconds), loginLatency, loginErrors);
        if (!registered) {
            r.line("some connections were closed by the server");
        }
        r.print(options.out(), options.json());
        return errors.get() == 0 ? 0 : BenchException.ERROR_REPLY;
    }

    private static boolean allClosed(List<BenchConnection> conns) {
        return conns.stream().allMatch(BenchConnection::closed);
    }

    /** Loop thread: registers user {@code i}, then {@code i + step}, ... one at a time. */
    private void register(Harness h, BenchConnection conn, int i, int step) {
        if (i >= users) {
            return;
        }
        long sent = System.nanoTime();
        conn.callInLoop(Harness.register(h.userName(i)), reply -> {
            conn.loop().histogram(REGISTER).record(System.nanoTime() - sent);
            if (Harness.errno(reply) == 0) {
                ids.set(i, reply.json().get("id").getAsLong());
            } else {
                errors.incrementAndGet();
            }
            done.incrementAndGet();
            register(h, conn, i + step, step);
        });
    }

    /** Loop thread: logs user {@code i} in and out, then {@code i + step}, ...; users whose registration failed are skipped. */
    private void login(BenchConnection conn, int i, int step) {
        if (i >= users) {
            return;
        }
        long id = ids.get(i);
        if (id == 0) {
            done.incrementAndGet();
            login(conn, i + step, step);
            return;
        }
        long sent = System.nanoTime();
        conn.callInLoop(Harness.login(id), reply -> {
            conn.loop().histogram(LOGIN).record(System.nanoTime() - sent);
            if (Harness.errno(reply) != 0) {
                errors.incrementAndGet();
                done.incrementAndGet();
                login(conn, i + step, step);
                return;
            }
            conn.callInLoop(Harness.request(3), (Frame out) -> {
                if (Harness.errno(out) != 0) {
                    errors.incrementAndGet();
                }
                done.incrementAndGet();
                login(conn, i + step, step);
            });
        });
    }
}
