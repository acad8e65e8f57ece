package dev.clusterchat.bench;

import dev.clusterchat.chatctl.bench.Histogram;

/** One measured run: one server, one frame size, one round. Latencies in microseconds. */
record RunResult(String server, int size, int round, double msgsPerSec, double p50Us, double p99Us,
                 double p999Us, double maxUs, long messages, long errors, double serverCpuUsPerMsg) {

    static RunResult of(ServerKind server, int size, int round, EchoLoadClient.Result r) {
        Histogram h = r.latency();
        return new RunResult(server.label, size, round, r.messagesPerSecond(), micros(h.valueAt(0.50)),
                micros(h.valueAt(0.99)), micros(h.valueAt(0.999)), micros(h.max()), r.messages(), r.errors(),
                hundredths(r.serverCpuMicrosPerMessage()));
    }

    private static double hundredths(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 100) / 100.0;
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    /** One progress line. */
    String line() {
        return String.format("%-8s size %6d  round %d  %,10.0f msgs/s  p50 %,9.1f  p99 %,9.1f  p999 %,9.1f  max %,9.1f µs"
                + "  server cpu %6.2f µs/msg  errors %d", server, size, round, msgsPerSec, p50Us, p99Us, p999Us, maxUs,
                serverCpuUsPerMsg, errors);
    }
}
