package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What every scenario needs: the selector loops, connections spread over them round-robin, users
 * with a name prefix unique to this run, waiting with a progress line, and merged histograms.
 * Driven from the command's thread; close it to stop the loops and the connections.
 */
final class Harness implements AutoCloseable {
    static final String PASSWORD = "bench-password";

    final BenchOptions options;
    final String prefix = "b" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final List<BenchLoop> loops = new ArrayList<>();
    private final List<BenchConnection> connections = new ArrayList<>();

    Harness(BenchOptions options, int threads) {
        this.options = options;
        try {
            for (int i = 0; i < threads; i++) {
                loops.add(new BenchLoop(i));
            }
        } catch (IOException e) {
            close();
            throw new IllegalStateException("cannot open a selector", e);
        }
    }

    /** Opens {@code n} connections spread over the loops; unreachable → exit 3. */
    List<BenchConnection> connect(int n) {
        List<BenchConnection> opened = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            opened.add(open(options.target(), null));
        }
        return opened;
    }

    /**
     * Opens one connection from {@code source} (null: any) on the next loop. Thread-safe with
     * respect to the loops, but call it from one thread at a time; unreachable → exit 3.
     */
    BenchConnection open(InetSocketAddress target, InetSocketAddress source) {
        BenchConnection c = BenchConnection.open(target, source, options.timeoutMillis(),
                loops.get(connections.size() % loops.size()), options.writeEach());
        connections.add(c);
        return c;
    }

    String userName(int i) {
        return prefix + "-" + i;
    }

    static JsonObject request(int msgid) {
        JsonObject r = new JsonObject();
        r.addProperty("msgid", msgid);
        return r;
    }

    static JsonObject register(String name) {
        JsonObject r = request(4);
        r.addProperty("name", name);
        r.addProperty("password", PASSWORD);
        return r;
    }

    static JsonObject login(long id) {
        JsonObject r = request(1);
        r.addProperty("id", id);
        r.addProperty("password", PASSWORD);
        return r;
    }

    static int errno(JsonObject reply) {
        JsonElement e = reply.get("errno");
        return e == null || e.isJsonNull() ? 0 : e.getAsInt();
    }

    static int errno(Frame reply) {
        return reply.errno();
    }

    static String describe(JsonObject reply) {
        JsonElement m = reply.get("errmsg");
        return (m == null ? "error" : m.getAsString()) + " (errno " + errno(reply) + ")";
    }

    /**
     * Registers and logs in one user per connection (all at once) and returns their ids; any
     * error reply → exit 1, a closed connection → exit 3, no progress for --timeout → exit 4.
     */
    long[] registerAndLogin(List<BenchConnection> conns, int firstIndex) {
        List<CompletableFuture<JsonObject>> regs = new ArrayList<>();
        for (int i = 0; i < conns.size(); i++) {
            regs.add(conns.get(i).call(register(userName(firstIndex + i))));
        }
        List<JsonObject> r = awaitAll(regs, "register");
        long[] ids = new long[conns.size()];
        List<CompletableFuture<JsonObject>> logins = new ArrayList<>();
        for (int i = 0; i < conns.size(); i++) {
            ids[i] = r.get(i).get("id").getAsLong();
            logins.add(conns.get(i).call(login(ids[i])));
        }
        awaitAll(logins, "login");
        return ids;
    }

    /** Waits for every reply, failing only if none arrives for --timeout; each must have errno 0. */
    List<JsonObject> awaitAll(List<CompletableFuture<JsonObject>> calls, String what) {
        List<JsonObject> replies = new ArrayList<>(calls.size());
        for (CompletableFuture<JsonObject> f : calls) {
            JsonObject reply = await(f, what);
            if (errno(reply) != 0) {
                throw new BenchException(BenchException.ERROR_REPLY, what + " failed: " + describe(reply));
            }
            replies.add(reply);
        }
        return replies;
    }

    private JsonObject await(CompletableFuture<JsonObject> f, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis());
        while (true) {
            try {
                return f.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (connections.stream().anyMatch(BenchConnection::closed)) {
                    throw new BenchException(BenchException.UNREACHABLE, "connection to " + options.host() + ":"
                            + options.port() + " closed by the server during " + what);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new BenchException(BenchException.NO_REPLY, "no reply to " + what + " within "
                            + options.timeoutMillis() / 1000.0 + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException(BenchException.UNREACHABLE, "interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new BenchException(BenchException.UNREACHABLE, what + " failed: " + e.getCause().getMessage());
            }
        }
    }

    /**
     * Waits until {@code done} or {@code deadlineNanos} (System.nanoTime; Long.MAX_VALUE for none),
     * printing {@code progress} on stderr every second. Returns whether {@code done} became true.
     */
    boolean waitFor(BooleanSupplier done, long deadlineNanos, Supplier<String> progress) {
        PrintWriter err = options.err();
        long start = System.nanoTime();
        long nextProgress = start + TimeUnit.SECONDS.toNanos(1);
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (deadlineNanos != Long.MAX_VALUE && now - deadlineNanos >= 0) {
                return false;
            }
            if (now - nextProgress >= 0) {
                err.println(String.format("[%3.0fs] %s", (now - start) / 1e9, progress.get()));
                err.flush();
                nextProgress += TimeUnit.SECONDS.toNanos(1);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException(BenchException.UNREACHABLE, "interrupted");
            }
        }
        return true;
    }

    /** Histogram {@code which} of every loop, merged. Call after {@link #close}. */
    Histogram merged(int which) {
        Histogram all = new Histogram();
        loops.forEach(l -> all.add(l.histogram(which)));
        return all;
    }

    List<BenchLoop> loops() {
        return loops;
    }

    /** Stops every loop (closing its connections); joins their threads, so their state is visible after. */
    @Override
    public void close() {
        loops.forEach(BenchLoop::close);
    }
}
