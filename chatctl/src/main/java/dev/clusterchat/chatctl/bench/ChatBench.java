package dev.clusterchat.chatctl.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * chatctl bench chat: P sender → receiver pairs of one-to-one chat (msgid 6). Each message carries
 * the sender's sequence number and send time; receivers check order and count duplicates, and
 * after a drain period every acked message not delivered counts as lost. Exit 0 only if nothing
 * was lost or duplicated.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"P pairs chatting one-to-one (msgid 6): closed loop (--window per sender) or open loop (--rate).",
                "Reports delivered msgs/s, end-to-end latency, lost, duplicated, errors.",
                "Exit 0 only if nothing was lost or duplicated, else 1."})
final class ChatBench extends Scenario {
    private static final int LATENCY = 0;

    @Option(names = "--pairs", paramLabel = "P", description = "Sender/receiver pairs. Default: 10.")
    int pairs = 10;

    @Option(names = "--rate", paramLabel = "R", description = "Open loop: messages per second in total. Default: closed loop.")
    Double rate;

    @Option(names = "--window", paramLabel = "W", description = "Closed loop: unacked messages per sender. Default: 16.")
    int window = 16;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Measured time. Default: 10.")
    double duration = 10;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "Unmeasured time before it. Default: 1.")
    double warmup = 1;

    @Option(names = "--size", paramLabel = "BYTES", description = "Length of each message text. Default: 64.")
    int size = 64;

    @Option(names = "--receiver-port", paramLabel = "PORT",
            description = "Receivers connect to this port of --host (senders to --port): in a cluster, a port that"
                    + " reaches another node makes every message cross nodes. Default: --port.")
    Integer receiverPort;

    @Option(names = "--drain", paramLabel = "SECONDS",
            description = "How long to wait, after sending stops, for acks and deliveries. Default: 5.")
    double drain = 5;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong ackedOk = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong deliveredDistinct = new AtomicLong();
    private final AtomicLong deliveredMeasured = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean sending = true;
    private long measureStart;
    private long end;

    @Override
    void validate() {
        require(pairs >= 1, "--pairs must be at least 1: " + pairs);
        require(window >= 1, "--window must be at least 1: " + window);
        require(rate == null || rate > 0, "--rate must be more than 0: " + rate);
        require(duration > 0, "--duration must be more than 0: " + duration);
        require(warmup >= 0, "--warmup cannot be negative: " + warmup);
        require(size >= 1 && size <= 8192, "--size must be between 1 and 8192: " + size);
        require(drain >= 0, "--drain cannot be negative: " + drain);
        require(receiverPort == null || receiverPort >= 1 && receiverPort <= 65535,
                "--receiver-port must be between 1 and 65535: " + receiverPort);
    }

    @Override
    int connectionsNeeded() {
        return 2 * pairs;
    }

    /** One sender's state; loop thread of its connection only (read by the main thread after the loops stop). */
    private final class Sender {
        final BenchConnection conn;
        final long to;
        final BitSet ackedSeqs = new BitSet();
        long seq;

        Sender(BenchConnection conn, long to) {
            this.conn = conn;
            this.to = to;
        }

        void send() {
            long s = seq++;
            long now = System.nanoTime();
            StringBuilder m = new StringBuilder(size + 64).append("{\"msgid\":6,\"toid\":").append(to)
                    .append(",\"msg\":\"").append(Stamp.text(s, now, size)).append('"'); // digits, spaces and x
            sent.incrementAndGet();
            conn.callInLoop(m, reply -> {
                acked.incrementAndGet();
                if (Harness.errno(reply) == 0) {
                    ackedOk.incrementAndGet();
                    ackedSeqs.set((int) s);
                } else {
                    errors.incrementAndGet();
                }
                if (rate == null && sending) {
                    send();
                }
            });
        }
    }

    /** One receiver's state; loop thread of its connection only. */
    private final class Receiver {
        final BenchLoop loop;
        final BitSet got = new BitSet();
        long highest = -1;

        Receiver(BenchLoop loop) {
            this.loop = loop;
        }

        void onMessage(Frame m) {
            long now = System.nanoTime();
            Stamp stamp = Stamp.of(m);
            if (stamp == null) {
                errors.incrementAndGet();
                return;
            }
            int seq = stamp.seq();
            long sentAt = stamp.sentAt();
            delivered.incrementAndGet();
            if (got.get(seq)) {
                duplicated.incrementAndGet();
                return;
            }
            got.set(seq);
            deliveredDistinct.incrementAndGet();
            if (seq < highest) {
                outOfOrder.incrementAndGet();
            }
            highest = Math.max(highest, seq);
            if (sentAt - measureStart >= 0 && sentAt - end < 0) {
                loop.histogram(LATENCY).record(now - sentAt);
            }
            if (now - measureStart >= 0 && now - end < 0) {
                deliveredMeasured.incrementAndGet();
            }
        }
    }

    @Override
    int run(Harness h) {
        List<BenchConnection> conns = new ArrayList<>(h.connect(pairs));
        InetSocketAddress receiverTarget = receiverPort == null ? options.target()
                : new InetSocketAddress(options.host(), receiverPort);
        for (int i = 0; i < pairs; i++) {
            conns.add(h.open(receiverTarget, null));
        }
        long[] ids = h.registerAndLogin(conns, 0);
        List<Sender> senders = new ArrayList<>();
        List<Receiver> receivers = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            BenchConnection s = conns.get(i);
            BenchConnection r = conns.get(pairs + i);
            Sender sender = new Sender(s, ids[pairs + i]);
            Receiver receiver = new Receiver(r.loop());
            senders.add(sender);
            receivers.add(receiver);
            // installed and confirmed before any sender starts, or early deliveries would be ignored
            r.handlers(receiver::onMessage, errors::incrementAndGet);
            s.handlers(m -> errors.incrementAndGet(), errors::incrementAndGet);
        }

        long t0 = System.nanoTime();
        measureStart = t0 + (long) (warmup * 1e9);
        end = measureStart + (long) (duration * 1e9);
        double perSender = rate == null ? 0 : rate / pairs;
        for (Sender s : senders) {
            s.conn.loop().execute(() -> {
                if (rate == null) {
                    for (int k = 0; k < window; k++) {
                        s.send();
                    }
                } else {
                    s.conn.loop().addTicker(() -> {
                        long due = (long) ((System.nanoTime() - t0) * perSender / 1e9) + 1 - s.seq;
                        for (long k = 0; k < Math.min(due, 10_000) && sending; k++) {
                            s.send();
                        }
                    });
                }
            });
        }
        long[] last = {0, System.nanoTime()};
        h.waitFor(() -> false, end, () -> {
            long now = System.nanoTime();
            long d = delivered.get();
            String line = String.format("sent %d  delivered %d (%.0f/s)  acked %d  errors %d",
                    sent.get(), d, (d - last[0]) / ((now - last[1]) / 1e9), acked.get(), errors.get());
            last[0] = d;
            last[1] = now;
            return line;
        });
        sending = false;
        h.waitFor(() -> acked.get() == sent.get() && deliveredDistinct.get() >= ackedOk.get(),
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos((long) (drain * 1000)),
                () -> "draining: acked " + acked.get() + "/" + sent.get() + ", delivered " + deliveredDistinct.get());
        h.close();

        long lost = 0;
        for (int i = 0; i < pairs; i++) {
            BitSet missing = (BitSet) senders.get(i).ackedSeqs.clone();
            missing.andNot(receivers.get(i).got);
            lost += missing.cardinality();
        }
        long unacked = sent.get() - acked.get();
        Histogram latency = h.merged(LATENCY);
        Report r = new Report("chat").put("pairs", pairs).put("mode", rate == null ? "closed" : "open")
                .put("window", rate == null ? window : 0).put("rate", rate == null ? 0 : rate)
                .put("receiver_port", receiverTarget.getPort())
                .put("write_each", options.writeEach())
                .put("size", size).put("warmup_seconds", warmup).put("duration_seconds", duration)
                .put("sent", sent.get()).put("acked", ackedOk.get()).put("delivered", delivered.get())
                .put("delivered_measured", deliveredMeasured.get())
                .put("delivered_per_second", Report.perSecond(deliveredMeasured.get(), duration))
                .put("lost", lost).put("duplicated", duplicated.get()).put("out_of_order", outOfOrder.get())
                .put("unacked", unacked).put("errors", errors.get());
        String lat = r.latency("latency", latency, true);
        r.line("chat: %d pairs, %s, %d-byte messages, %.1f s measured after %.1f s warmup%s", pairs,
                        rate == null ? "closed loop, window " + window : "open loop, " + rate + " msgs/s", size, duration,
                        warmup, (receiverPort == null ? "" : ", receivers on port " + receiverPort)
                                + (options.writeEach() ? ", one write per request" : ""))
                .line("sent %d  acked %d  delivered %d (%d in the window: %.1f msgs/s)", sent.get(), ackedOk.get(),
                        delivered.get(), deliveredMeasured.get(), Report.perSecond(deliveredMeasured.get(), duration))
                .line("latency %s", lat)
                .line("lost %d  duplicated %d  out-of-order %d  unacked %d  errors %d", lost, duplicated.get(),
                        outOfOrder.get(), unacked, errors.get());
        r.print(options.out(), options.json());
        return lost == 0 && duplicated.get() == 0 ? 0 : BenchException.ERROR_REPLY;
    }
}
