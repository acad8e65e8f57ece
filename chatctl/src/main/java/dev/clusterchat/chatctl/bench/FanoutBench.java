package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * chatctl bench fanout: one group of M online members and a sender, which sends K group messages
 * (msgid 10) one at a time by default: message k+1 goes once the last member got message k (as
 * muduo's chat load test measures); with {@code --window W}, W broadcasts are under way at once.
 * Latency is send → last member received. Exit 0 only if nothing was lost or duplicated.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = {"One group of M online members; a sender sends K group messages (msgid 10) one at a time,",
                "each once every member got the one before (or --window W at a time: one more whenever one has",
                "reached every member). Reports per-broadcast latency (send -> last member),",
                "deliveries/s, lost and duplicated. Exit 0 only if nothing was lost or duplicated, else 1."})
final class FanoutBench extends Scenario {
    private static final int LATENCY = 0;

    @Option(names = "--members", paramLabel = "M", description = "Online members besides the sender. Default: 100.")
    int members = 100;

    @Option(names = "--messages", paramLabel = "K", description = "Group messages to send. Default: 100.")
    int messages = 100;

    @Option(names = "--size", paramLabel = "BYTES", description = "Length of each message text. Default: 64.")
    int size = 64;

    @Option(names = "--window", paramLabel = "W",
            description = "Broadcasts under way at once (sent, not yet at every member). Default: 1.")
    int window = 1;

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong sentCount = new AtomicLong();
    private AtomicIntegerArray remaining;

    @Override
    void validate() {
        require(members >= 1, "--members must be at least 1: " + members);
        require(messages >= 1, "--messages must be at least 1: " + messages);
        require(size >= 1 && size <= 8192, "--size must be between 1 and 8192: " + size);
        require(window >= 1, "--window must be at least 1: " + window);
    }

    @Override
    int connectionsNeeded() {
        return members + 1;
    }

    /** One member's state; its connection's loop thread only. */
    private final class Member {
        final BenchLoop loop;
        final BitSet got = new BitSet();
        int highest = -1;
        Runnable sendNext;

        Member(BenchLoop loop) {
            this.loop = loop;
        }

        void onMessage(Frame m) {
            long now = System.nanoTime();
            Stamp stamp = Stamp.of(m);
            if (stamp == null) {
                errors.incrementAndGet();
                return;
            }
            int k = stamp.seq();
            long sentAt = stamp.sentAt();
            delivered.incrementAndGet();
            if (got.get(k)) {
                duplicated.incrementAndGet();
                return;
            }
            got.set(k);
            if (k != highest + 1) {
                outOfOrder.incrementAndGet();
            }
            highest = Math.max(highest, k);
            if (remaining.decrementAndGet(k) == 0) {
                loop.histogram(LATENCY).record(now - sentAt);
                completed.incrementAndGet();
                sendNext.run();
            }
        }
    }

    @Override
    int run(Harness h) {
        List<BenchConnection> conns = h.connect(members + 1);
        long[] ids = h.registerAndLogin(conns, 0);
        BenchConnection sender = conns.get(0);
        JsonObject create = Harness.request(8);
        create.addProperty("groupname", h.prefix + "-g");
        create.addProperty("groupdesc", "chatctl bench fanout");
        long group = h.awaitAll(List.of(sender.call(create)), "create group").get(0).get("groupid").getAsLong();
        List<java.util.concurrent.CompletableFuture<JsonObject>> joins = new ArrayList<>();
        for (int i = 1; i <= members; i++) {
            JsonObject join = Harness.request(9);
            join.addProperty("groupid", group);
            joins.add(conns.get(i).call(join));
        }
        h.awaitAll(joins, "join group");

        remaining = new AtomicIntegerArray(messages);
        for (int k = 0; k < messages; k++) {
            remaining.set(k, members);
        }
        List<Member> all = new ArrayList<>();
        Runnable sendNext = () -> sender.loop().execute(() -> send(sender, group));
        for (int i = 1; i <= members; i++) {
            BenchConnection c = conns.get(i);
            Member m = new Member(c.loop());
            m.sendNext = sendNext;
            all.add(m);
            c.handlers(m::onMessage, errors::incrementAndGet); // in place before the first broadcast
        }
        sender.handlers(f -> errors.incrementAndGet(), errors::incrementAndGet);

        long t0 = System.nanoTime();
        for (int w = 0; w < window; w++) {
            sendNext.run();
        }
        long stall = TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis());
        long[] progress = {0, t0};
        boolean finished = h.waitFor(() -> {
            long c = completed.get();
            long now = System.nanoTime();
            if (c != progress[0]) {
                progress[0] = c;
                progress[1] = now;
            }
            return c == messages || now - progress[1] > stall;
        }, Long.MAX_VALUE, () -> "broadcasts " + completed.get() + "/" + messages + "  deliveries " + delivered.get()
                + "  errors " + errors.get()) && completed.get() == messages;
        long t1 = System.nanoTime();
        h.close();

        long sent = sentCount.get();
        long lost = 0;
        for (Member m : all) {
            lost += sent - m.got.get(0, (int) sent).cardinality();
        }
        double seconds = (t1 - t0) / 1e9;
        Histogram latency = h.merged(LATENCY);
        Report r = new Report("fanout").put("members", members).put("messages", messages).put("size", size)
                .put("window", window)
                .put("sent", sent).put("completed", completed.get()).put("seconds", seconds)
                .put("deliveries", delivered.get())
                .put("deliveries_per_second", Report.perSecond(delivered.get(), seconds))
                .put("broadcasts_per_second", Report.perSecond(completed.get(), seconds))
                .put("lost", lost).put("duplicated", duplicated.get()).put("out_of_order", outOfOrder.get())
                .put("errors", errors.get());
        String lat = r.latency("latency", latency, false);
        r.line("fanout: %d members, %d messages of %d bytes, %s", members, messages, size,
                        window == 1 ? "one at a time" : window + " under way at once")
                .line("broadcasts %d/%d in %.2f s (%.1f/s)  deliveries %d (%.1f/s)", completed.get(), messages, seconds,
                        Report.perSecond(completed.get(), seconds), delivered.get(), Report.perSecond(delivered.get(), seconds))
                .line("latency (send -> last member) %s", lat)
                .line("lost %d  duplicated %d  out-of-order %d  errors %d", lost, duplicated.get(), outOfOrder.get(), errors.get());
        if (!finished) {
            r.line("stopped: no broadcast completed within %.1f s", options.timeoutMillis() / 1000.0);
        }
        r.print(options.out(), options.json());
        return lost == 0 && duplicated.get() == 0 && finished ? 0 : BenchException.ERROR_REPLY;
    }

    /** Sender's loop thread: sends the next group message, if any is left. */
    private void send(BenchConnection sender, long group) {
        long k = sentCount.get();
        if (k >= messages) {
            return;
        }
        sentCount.incrementAndGet();
        JsonObject m = Harness.request(10);
        m.addProperty("groupid", group);
        m.addProperty("msg", Stamp.text(k, System.nanoTime(), size));
        sender.callInLoop(m, reply -> {
            if (Harness.errno(reply) != 0 || reply.json().get("recipients").getAsInt() != members) {
                errors.incrementAndGet();
            }
        });
    }
}
