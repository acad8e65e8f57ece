package dev.clusterchat.bench;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Medians over rounds, per frame size and server, and the chatcore/netty throughput ratio; shown
 * as a table or as JSON. Medians, not means, because the machine is shared and one noisy round
 * should not move the answer.
 */
final class Summary {
    /** The median run of one server at one size (each figure is its own median). */
    record Row(String server, int size, int rounds, double msgsPerSec, double p50Us, double p99Us,
               double p999Us, double serverCpuUsPerMsg, long errors) {
    }

    /**
     * One frame size: a row per server; chatcore's throughput over Netty's (higher is better for
     * chatcore) and its server CPU per message over Netty's (lower is better). NaN if either is missing.
     */
    record Size(int size, List<Row> servers, double throughputRatio, double cpuPerMsgRatio) {
    }

    private final Map<String, Object> settings;
    private final List<Size> sizes = new ArrayList<>();
    private final List<RunResult> runs;

    Summary(Map<String, Object> settings, List<Integer> frameSizes, List<ServerKind> servers, List<RunResult> runs) {
        this.settings = settings;
        this.runs = List.copyOf(runs);
        for (int size : frameSizes) {
            List<Row> rows = new ArrayList<>();
            for (ServerKind k : servers) {
                List<RunResult> mine = runs.stream().filter(r -> r.size() == size && r.server().equals(k.label)).toList();
                if (!mine.isEmpty()) {
                    rows.add(new Row(k.label, size, mine.size(), Math.round(median(mine, RunResult::msgsPerSec)),
                            tenths(median(mine, RunResult::p50Us)), tenths(median(mine, RunResult::p99Us)),
                            tenths(median(mine, RunResult::p999Us)), hundredths(median(mine, RunResult::serverCpuUsPerMsg)),
                            mine.stream().mapToLong(RunResult::errors).sum()));
                }
            }
            sizes.add(new Size(size, rows, ratio(rows, Row::msgsPerSec), ratio(rows, Row::serverCpuUsPerMsg)));
        }
    }

    long errors() {
        return runs.stream().mapToLong(RunResult::errors).sum();
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(String.format("%-16s %s%n", k, v)));
        sb.append(String.format("%n%7s  %-16s %12s %10s %10s %10s %14s %7s%n", "size", "server", "msgs/s", "p50 µs", "p99 µs",
                "p999 µs", "srv cpu µs/msg", "errors"));
        for (Size s : sizes) {
            for (Row r : s.servers()) {
                sb.append(String.format("%7d  %-16s %,12.0f %,10.1f %,10.1f %,10.1f %14.2f %7d%n",
                        s.size(), r.server(), r.msgsPerSec(), r.p50Us(), r.p99Us(), r.p999Us(), r.serverCpuUsPerMsg(), r.errors()));
            }
            if (!Double.isNaN(s.throughputRatio())) {
                sb.append(String.format("%7d  %-16s %12.3f %32s %14.3f   (ratios: throughput, higher is better; cpu, lower is better)%n",
                        s.size(), "chatcore/netty", s.throughputRatio(), "", s.cpuPerMsgRatio()));
            }
        }
        sb.append("(each figure is the median over rounds; latency is the client's round trip; srv cpu is all threads of the"
                + " server JVM during the measured window, divided by the echoes counted)");
        return sb.toString();
    }

    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("settings", settings);
        root.put("sizes", sizes);
        root.put("runs", runs);
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root);
    }

    private static double ratio(List<Row> rows, ToDoubleFunction<Row> f) {
        Row chatcore = find(rows, ServerKind.CHATCORE);
        Row netty = find(rows, ServerKind.NETTY);
        return chatcore == null || netty == null ? Double.NaN
                : Math.round(f.applyAsDouble(chatcore) / f.applyAsDouble(netty) * 1000) / 1000.0;
    }

    private static Row find(List<Row> rows, ServerKind k) {
        return rows.stream().filter(r -> r.server().equals(k.label)).findFirst().orElse(null);
    }

    private static double hundredths(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double tenths(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        double[] v = runs.stream().mapToDouble(f).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
