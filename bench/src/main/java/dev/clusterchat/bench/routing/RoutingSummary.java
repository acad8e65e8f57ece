package dev.clusterchat.bench.routing;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per metric, the median over rounds of scheme U and of scheme N (losses summed) and the ratio
 * N/U; as a table or as JSON. Medians because the machine is shared. Not thread-safe.
 */
final class RoutingSummary {
    /** One metric: U's figure, N's figure, and N/U (NaN when it means nothing). */
    record Row(String phase, String metric, String unit, double u, double n, double ratio) {
    }

    private final Map<String, Object> settings;
    private final String command;
    private final List<Row> rows = new ArrayList<>();
    private final List<RoundResult> runs;

    RoutingSummary(Map<String, Object> settings, String command, List<RoundResult> runs) {
        this.settings = settings;
        this.command = command;
        this.runs = List.copyOf(runs);
        for (Metric m : Metric.values()) {
            double u = aggregate(m, "U");
            double n = aggregate(m, "N");
            double ratio = m.summed || u == 0 ? Double.NaN : Math.round(n / u * 1000) / 1000.0;
            rows.add(new Row(m.phase, m.label, m.unit, u, n, ratio));
        }
    }

    /** Recipients that never got their message, over every run. */
    long lost() {
        return Math.round(runs.stream().mapToDouble(r -> r.get(Metric.ONE_LOST) + r.get(Metric.GROUP_LOST)).sum());
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(String.format("%-14s %s%n", k, v)));
        sb.append(String.format("%n%-6s %-30s %-4s %14s %14s %9s%n", "phase", "metric", "unit", "U (per user)", "N (per node)", "N/U"));
        String phase = "";
        Metric[] metrics = Metric.values();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (!r.phase().equals(phase) && !phase.isEmpty()) {
                sb.append('\n');
            }
            phase = r.phase();
            int d = metrics[i].decimals;
            sb.append(String.format("%-6s %-30s %-4s %14s %14s %9s%n", r.phase(), r.metric(), r.unit(), number(r.u(), d),
                    number(r.n(), d), Double.isNaN(r.ratio()) ? "-" : String.format("%.3f", r.ratio())));
        }
        sb.append("\n(medians over rounds; N/U above 1 means N has more of it. Latencies: login from the first command to"
                + " Redis's confirmation; end-to-end from the send's start on A to B's or C's subscriber thread)\n");
        sb.append("command: ").append(command);
        return sb.toString();
    }

    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", command);
        root.put("settings", settings);
        root.put("summary", rows);
        root.put("runs", runs);
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root);
    }

    private double aggregate(Metric m, String scheme) {
        double[] v = runs.stream().filter(r -> r.scheme().equals(scheme)).mapToDouble(r -> r.get(m)).toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        if (m.summed) {
            return Arrays.stream(v).sum();
        }
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String number(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format("%,." + decimals + "f", v);
    }
}
