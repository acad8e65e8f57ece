package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * chatctl bench connections: N idle logged-in connections (each registers its own user and logs
 * in), opened at a bounded rate from K loopback source addresses, held, then a sample is pinged.
 * With --admin it reads the server's memory before and after and reports it per connection.
 * Exit 0 only if every connection logged in, none was dropped and every sampled one answered.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = {"N idle logged-in connections (register + login each), opened at --rate per second",
                "from --sources loopback addresses, held for --hold seconds; then a sample must answer ping.",
                "With --admin URL: the server's heap and RSS per connection, from its /metrics.",
                "Exit 0 only if all logged in, none dropped and every sampled one answered, else 1."})
final class ConnectionsBench extends Scenario {
    private static final int SETUP = 0;
    /** File descriptors kept for everything but the connections (jars, selectors, stdio). */
    private static final int SPARE_FDS = 100;

    @Option(names = "--connections", paramLabel = "N", description = "Connections to open and log in. Default: 1000.")
    int connections = 1000;

    @Option(names = "--rate", paramLabel = "R", description = "Connections opened per second at most. Default: 2000.")
    double rate = 2000;

    @Option(names = "--in-flight", paramLabel = "W",
            description = "Connections being set up (connect, register, login) at once at most. Default: 200.")
    int inFlight = 200;

    @Option(names = "--sources", paramLabel = "K",
            description = "Source addresses 127.0.0.1 .. 127.0.0.K, each with its own ephemeral ports."
                    + " Default: enough for N (one per 90 % of the local port range, about 25,000 here).")
    Integer sources;

    @Option(names = "--hold", paramLabel = "SECONDS", description = "How long to hold them once all are set up. Default: 10.")
    double hold = 10;

    @Option(names = "--sample", paramLabel = "S", description = "Connections pinged after the hold. Default: 100.")
    int sample = 100;

    @Option(names = "--admin", paramLabel = "URL",
            description = "The server's admin endpoint, e.g. http://127.0.0.1:9100: report its heap and RSS per connection.")
    String admin;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "With --admin, on this machine: run 'jcmd PID GC.run' before each reading, so heap used"
                    + " counts live objects only. Without it: the least of 5 readings a second apart.")
    Long serverPid;

    private final AtomicLong attempted = new AtomicLong();
    private final AtomicLong loggedIn = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final ConcurrentLinkedQueue<BenchConnection> ready = new ConcurrentLinkedQueue<>();
    private volatile boolean openerDone;
    private volatile BenchException openerFailure;

    @Override
    void validate() {
        require(connections >= 1, "--connections must be at least 1: " + connections);
        require(rate > 0, "--rate must be more than 0: " + rate);
        require(inFlight >= 1, "--in-flight must be at least 1: " + inFlight);
        require(hold >= 0, "--hold cannot be negative: " + hold);
        require(sample >= 0, "--sample cannot be negative: " + sample);
        require(serverPid == null || admin != null, "--server-pid needs --admin");
        int k = sourceCount();
        require(k >= 1 && k <= 254, "--sources must be between 1 and 254: " + k);
        if (k > 1) {
            require(isLoopback(options.host()), "--sources above 1 needs a loopback --host (the sources are 127.0.0.x): "
                    + options.host());
        }
        long free = freeFileDescriptors();
        require(free < 0 || connections + SPARE_FDS <= free, "--connections " + connections + " needs about "
                + (connections + SPARE_FDS) + " file descriptors, but this process may open " + free
                + " more (ulimit -n): raise the limit or lower --connections");
    }

    @Override
    int connectionsNeeded() {
        return connections;
    }

    int sourceCount() {
        return sources != null ? sources : (int) Math.min(254, (connections + portsPerSource() - 1) / portsPerSource());
    }

    /** Ephemeral ports one source address offers (90 % of the kernel's local port range), 25,000 if unknown. */
    static int portsPerSource() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Math.max(1000, (int) ((Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1) * 0.9));
        } catch (Exception e) {
            return 25_000;
        }
    }

    /** File descriptors this process may still open, or -1 if the platform does not say. */
    static long freeFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            return os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
        }
        return -1;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    int run(Harness h) {
        ServerMemory memory = admin == null ? null : new ServerMemory(admin, serverPid);
        ServerMemory.Reading before = memory == null ? null : memory.read();
        int k = sourceCount();

        long t0 = System.nanoTime();
        Semaphore window = new Semaphore(inFlight);
        Thread opener = new Thread(() -> openAll(h, k, window, t0), "bench-opener");
        opener.setDaemon(true);
        opener.start();
        long stall = TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis());
        long[] progress = {0, t0, 0, t0};
        boolean complete = h.waitFor(() -> {
            long settled = loggedIn.get() + failed.get();
            long now = System.nanoTime();
            if (settled != progress[0]) {
                progress[0] = settled;
                progress[1] = now;
            }
            return openerDone && settled == attempted.get() || now - progress[1] > stall;
        }, Long.MAX_VALUE, () -> {
            long now = System.nanoTime();
            long done = loggedIn.get();
            String line = String.format("opened %d/%d  logged in %d (%.0f/s)  failed %d  dropped %d", attempted.get(),
                    connections, done, (done - progress[2]) / ((now - progress[3]) / 1e9), failed.get(), dropped.get());
            progress[2] = done;
            progress[3] = now;
            return line;
        }) && openerDone && loggedIn.get() + failed.get() == attempted.get();
        long t1 = System.nanoTime();
        if (openerFailure != null && loggedIn.get() == 0) {
            throw openerFailure;
        }
        if (!complete) {
            window.release(connections); // let a stuck opener finish
        }

        long holdEnd = System.nanoTime() + (long) (hold * 1e9);
        h.waitFor(() -> false, holdEnd, () -> "holding " + (loggedIn.get() - dropped.get()) + " connections, dropped "
                + dropped.get());
        ServerMemory.Reading after = memory == null ? null : memory.read();
        long[] pings = pingSample(h);
        h.close();
        try {
            opener.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }

        long held = loggedIn.get();
        double setupSeconds = (t1 - t0) / 1e9;
        Histogram setup = h.merged(SETUP);
        Report r = new Report("connections").put("connections", connections).put("sources", k)
                .put("rate", rate).put("opened", attempted.get()).put("logged_in", held)
                .put("failed", failed.get()).put("dropped", dropped.get())
                .put("setup_seconds", setupSeconds).put("setups_per_second", Report.perSecond(held, setupSeconds))
                .put("hold_seconds", hold).put("ping_sample", pings[0]).put("ping_answered", pings[1]);
        String lat = r.latency("setup_latency", setup, false);
        r.line("connections: %d from %d source address%s, at most %.0f/s and %d at once (name prefix %s)", connections,
                        k, k == 1 ? "" : "es", rate, inFlight, h.prefix)
                .line("opened %d  logged in %d in %.2f s (%.1f/s)  failed %d  dropped %d while held", attempted.get(),
                        held, setupSeconds, Report.perSecond(held, setupSeconds), failed.get(), dropped.get())
                .line("setup (connect -> login reply) %s", lat)
                .line("held %.1f s; ping sample %d, answered %d", hold, pings[0], pings[1]);
        if (!complete) {
            r.line("stopped: no setup finished within %.1f s", options.timeoutMillis() / 1000.0);
        }
        if (memory != null) {
            reportMemory(r, before, after, held);
        }
        r.print(options.out(), options.json());
        boolean ok = complete && held == connections && dropped.get() == 0 && pings[0] == pings[1];
        return ok ? 0 : BenchException.ERROR_REPLY;
    }

    /** The opener thread: connects at the rate, at most --in-flight setups under way, each on its loop. */
    private void openAll(Harness h, int k, Semaphore window, long t0) {
        InetSocketAddress target = options.target();
        try {
            for (int i = 0; i < connections; i++) {
                long due = t0 + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                window.acquire();
                InetSocketAddress source = k == 1 ? null : new InetSocketAddress("127.0.0." + (1 + i % k), 0);
                BenchConnection c;
                try {
                    c = h.open(target, source);
                } catch (BenchException e) {
                    if (i == 0) {
                        openerFailure = e;
                        return;
                    }
                    attempted.incrementAndGet();
                    failed.incrementAndGet();
                    window.release();
                    continue;
                }
                attempted.incrementAndGet();
                int index = i;
                long started = System.nanoTime();
                c.loop().execute(() -> setUp(h, c, index, started, window));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            openerDone = true;
        }
    }

    /** Loop thread: registers user {@code i} on {@code c}, logs it in, and keeps the connection. */
    private void setUp(Harness h, BenchConnection c, int i, long started, Semaphore window) {
        boolean[] settled = {false};
        Runnable settle = () -> {
            settled[0] = true;
            window.release();
        };
        c.onMessage(m -> { });
        if (c.closed()) { // the server closed it before this task ran (e.g. "server full")
            failed.incrementAndGet();
            settle.run();
            return;
        }
        c.onClose(() -> {
            if (settled[0]) {
                dropped.incrementAndGet();
            } else {
                failed.incrementAndGet();
                settle.run();
            }
        });
        c.callInLoop(Harness.register(h.userName(i)), reg -> {
            if (Harness.errno(reg) != 0) {
                failed.incrementAndGet();
                settle.run();
                return;
            }
            c.callInLoop(Harness.login(reg.json().get("id").getAsLong()), login -> {
                if (Harness.errno(login) != 0) {
                    failed.incrementAndGet();
                } else {
                    c.loop().histogram(SETUP).record(System.nanoTime() - started);
                    ready.add(c);
                    loggedIn.incrementAndGet();
                }
                settle.run();
            });
        });
    }

    /** Pings up to --sample logged-in connections spread over all of them; returns {sampled, answered}. */
    private long[] pingSample(Harness h) {
        List<BenchConnection> all = new ArrayList<>(ready);
        int n = Math.min(sample, all.size());
        List<CompletableFuture<JsonObject>> replies = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            replies.add(all.get((int) ((long) j * all.size() / n)).call(Harness.request(18)));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis());
        long answered = 0;
        for (CompletableFuture<JsonObject> f : replies) {
            try {
                JsonObject pong = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (Harness.errno(pong) == 0 && pong.get("msgid").getAsInt() == 19) {
                    answered++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                // closed or timed out: not answered
            }
        }
        return new long[] {n, answered};
    }

    private static void reportMemory(Report r, ServerMemory.Reading before, ServerMemory.Reading after, long held) {
        double heap = (after.heapBytes() - before.heapBytes()) / Math.max(1, held);
        double rss = (after.rssBytes() - before.rssBytes()) / Math.max(1, held);
        r.put("server_heap_before_bytes", before.heapBytes()).put("server_heap_after_bytes", after.heapBytes())
                .put("server_heap_per_connection_bytes", Math.round(heap))
                .put("server_heap_committed_after_bytes", after.committedBytes())
                .put("server_rss_before_bytes", before.rssBytes()).put("server_rss_after_bytes", after.rssBytes())
                .put("server_rss_per_connection_bytes", Math.round(rss))
                .put("server_connections_open_after", after.connectionsOpen())
                .put("heap_method", after.afterFullGc() ? "after jcmd GC.run" : "least of 5 readings");
        r.line("server heap %.1f -> %.1f MiB (%s): %.0f bytes per connection", before.heapBytes() / (1 << 20),
                        after.heapBytes() / (1 << 20), after.afterFullGc() ? "after a full GC" : "least of 5 readings",
                        heap)
                .line("server RSS  %.1f -> %.1f MiB: %.0f bytes per connection (heap committed %.1f MiB); %.0f"
                                + " connections open on the server", before.rssBytes() / (1 << 20),
                        after.rssBytes() / (1 << 20), rss, after.committedBytes() / (1 << 20), after.connectionsOpen());
    }
}
