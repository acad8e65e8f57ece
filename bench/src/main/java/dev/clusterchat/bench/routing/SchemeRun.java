package dev.clusterchat.bench.routing;

import dev.clusterchat.chatctl.bench.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * One scheme in one round: start nodes A, B and C; log --users users in on B one burst at a time
 * (timed, with Redis's memory before and after); log half the group in on C; then the one-to-one
 * load and the group load from A; stop the nodes and delete the round's keys.
 *
 * <pre>
 *   load phase:  senders start ── warmup ──┬──── measured window ────┬─ stop ── drain
 *                                          t0: counters, Redis CPU    t1: counters, Redis CPU
 *   latency: messages sent in [t0, t1), from the send's start to the receiving subscriber thread
 * </pre>
 *
 * <p>Main thread only; it starts and joins the sender threads itself.
 */
final class SchemeRun {
    /** The knobs of one run, validated by the command. */
    record Settings(int users, int senders, Duration warmup, Duration duration, int groupSize, int loginBatch,
                    int messageSize) {
        int groupOnB() {
            return groupSize - groupSize / 2;
        }

        int groupOnC() {
            return groupSize / 2;
        }
    }

    private static final long DRAIN_MILLIS = 5000;
    private static final long SAMPLE_MILLIS = 200;

    private final Settings settings;
    private final RedisStats stats;

    SchemeRun(Settings settings, RedisStats stats) {
        this.settings = settings;
        this.stats = stats;
    }

    /** Runs every phase; the scheme is closed and the keys under {@code prefix} deleted even on failure. */
    RoundResult run(Scheme scheme, int round, String prefix) throws InterruptedException {
        RoundResult r = new RoundResult(scheme.label(), round);
        Receiver b = new Receiver();
        Receiver c = new Receiver();
        try {
            scheme.start(b, c);
            List<Long> onB = ids(1, settings.users());
            login(scheme, onB, r);
            List<Long> onC = ids(settings.users() + 1, settings.groupOnC());
            for (List<Long> burst : bursts(onC)) {
                scheme.login(Node.C, burst);
            }

            Window one = drive(scheme, b, c, 1, rnd -> List.of(onB.get(rnd.nextInt(onB.size()))), false);
            r.put(Metric.ONE_SENDS, one.messagesPerSecond());
            r.put(Metric.ONE_DELIVERED, one.deliveriesPerSecond());
            r.put(Metric.ONE_P50, one.latency.micros(0.50));
            r.put(Metric.ONE_P99, one.latency.micros(0.99));
            r.put(Metric.ONE_COMMANDS, one.commandsPerMessage);
            r.put(Metric.ONE_REDIS_CPU, one.redisCpuPerMessage());
            r.put(Metric.ONE_OMEM, one.peakOutputBuffer / 1024.0);
            r.put(Metric.ONE_LOST, one.lost);

            List<Long> group = new ArrayList<>(onB);
            Random seeded = new Random(round);
            Collections.shuffle(group, seeded);
            group = new ArrayList<>(group.subList(0, settings.groupOnB()));
            group.addAll(onC);
            Collections.shuffle(group, seeded);
            List<Long> members = List.copyOf(group);
            Window g = drive(scheme, b, c, members.size(), rnd -> members, true);
            r.put(Metric.GROUP_RATE, g.messagesPerSecond());
            r.put(Metric.GROUP_DELIVERIES, g.deliveriesPerSecond());
            r.put(Metric.GROUP_P50, g.latency.micros(0.50));
            r.put(Metric.GROUP_P99, g.latency.micros(0.99));
            r.put(Metric.GROUP_COMMANDS, g.commandsPerMessage);
            r.put(Metric.GROUP_REDIS_CPU, g.redisCpuPerMessage());
            r.put(Metric.GROUP_OMEM, g.peakOutputBuffer / 1024.0);
            r.put(Metric.GROUP_LOST, g.lost);
        } finally {
            scheme.close();
            stats.deleteByPrefix(prefix);
        }
        return r;
    }

    private void login(Scheme scheme, List<Long> users, RoundResult r) {
        long memoryBefore = stats.usedMemory();
        long cpuBefore = stats.cpuMicros();
        Histogram latency = new Histogram();
        long start = System.nanoTime();
        for (List<Long> burst : bursts(users)) {
            long t = System.nanoTime();
            scheme.login(Node.B, burst);
            latency.record(System.nanoTime() - t, burst.size());
        }
        long elapsed = System.nanoTime() - start;
        long cpu = stats.cpuMicros() - cpuBefore;
        long memory = stats.usedMemory() - memoryBefore;
        String subscriberB = scheme.subscriberNames().get(0);
        RedisStats.Client sub = stats.clients(List.of(subscriberB)).get(subscriberB);
        r.put(Metric.LOGIN_P50, latency.micros(0.50));
        r.put(Metric.LOGIN_P99, latency.micros(0.99));
        r.put(Metric.LOGIN_TOTAL, elapsed / 1e6);
        r.put(Metric.LOGIN_RATE, users.size() / (elapsed / 1e9));
        r.put(Metric.LOGIN_REDIS_CPU, (double) cpu / users.size());
        r.put(Metric.MEMORY, memory / 1024.0);
        r.put(Metric.MEMORY_PER_USER, (double) memory / users.size());
        r.put(Metric.SUBSCRIBER_CHANNELS, sub == null ? Double.NaN : sub.channels());
        r.put(Metric.SUBSCRIBER_MEMORY, sub == null ? Double.NaN : sub.totalBytes() / 1024.0);
    }

    /** What one load phase measured. */
    private record Window(long messages, long deliveries, double seconds, long redisCpuMicros, double commandsPerMessage,
                          long peakOutputBuffer, long lost, Histogram latency) {
        double messagesPerSecond() {
            return messages / seconds;
        }

        double deliveriesPerSecond() {
            return deliveries / seconds;
        }

        double redisCpuPerMessage() {
            return messages == 0 ? Double.NaN : (double) redisCpuMicros / messages;
        }
    }

    /**
     * --senders threads send from A, each message to {@code pick}'s recipients, until the window
     * closes; then waits up to DRAIN_MILLIS for every recipient's delivery.
     */
    private Window drive(Scheme scheme, Receiver b, Receiver c, int recipients,
                         Function<ThreadLocalRandom, List<Long>> pick, boolean group) throws InterruptedException {
        Tally tally = new Tally();
        long before = b.count() + c.count(); // deliveries of earlier phases
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < settings.senders(); i++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    while (!stop.get()) {
                        List<Long> to = pick.apply(rnd);
                        String message = Messages.of(0, group ? 1 : to.get(0), group, System.nanoTime(), settings.messageSize());
                        scheme.send(to, message, tally);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                }
            }, "routing-" + scheme.label() + "-sender-" + i);
            senders.add(t);
            t.start();
        }
        AtomicLong peakOutputBuffer = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "routing-omem-sampler");
            t.setDaemon(true);
            return t;
        });
        long messages;
        long deliveries;
        long cpu;
        long elapsed;
        try {
            Thread.sleep(settings.warmup().toMillis()); // the clock of the window, not a synchronization
            long t0 = System.nanoTime();
            b.openWindow(t0);
            c.openWindow(t0);
            long m0 = tally.messages.sum();
            long d0 = b.count() + c.count();
            long cpu0 = stats.cpuMicros();
            sampler.scheduleAtFixedRate(() -> stats.clients(scheme.subscriberNames()).values().forEach(
                    cl -> peakOutputBuffer.accumulateAndGet(cl.outputBufferBytes(), Math::max)), 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
            Thread.sleep(settings.duration().toMillis());
            long t1 = System.nanoTime();
            b.closeWindow(t1);
            c.closeWindow(t1);
            messages = tally.messages.sum() - m0;
            deliveries = b.count() + c.count() - d0;
            cpu = stats.cpuMicros() - cpu0;
            elapsed = t1 - t0;
        } finally {
            stop.set(true);
            sampler.shutdownNow();
            for (Thread t : senders) {
                t.join();
            }
        }
        if (failure.get() != null) {
            Throwable t = failure.get();
            throw new IllegalStateException("scheme " + scheme.label() + ": a send failed: " + t.getMessage(), t);
        }
        long expected = before + tally.messages.sum() * recipients;
        long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
        while (b.count() + c.count() < expected && System.currentTimeMillis() < deadline) {
            LockSupport.parkNanos(1_000_000); // deliveries arrive on the subscriber threads: poll their counters
        }
        Histogram latency = b.latency();
        latency.add(c.latency());
        double commandsPerMessage = (double) tally.commands.sum() / tally.messages.sum();
        return new Window(messages, deliveries, elapsed / 1e9, cpu, commandsPerMessage, peakOutputBuffer.get(),
                expected - (b.count() + c.count()), latency);
    }

    private List<List<Long>> bursts(List<Long> users) {
        List<List<Long>> out = new ArrayList<>();
        for (int i = 0; i < users.size(); i += settings.loginBatch()) {
            out.add(users.subList(i, Math.min(users.size(), i + settings.loginBatch())));
        }
        return out;
    }

    private static List<Long> ids(long first, int count) {
        List<Long> out = new ArrayList<>(count);
        for (long i = 0; i < count; i++) {
            out.add(first + i);
        }
        return List.copyOf(out);
    }
}
