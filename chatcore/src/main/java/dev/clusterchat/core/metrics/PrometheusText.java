package dev.clusterchat.core.metrics;

import java.util.Map;

/**
 * Writes a {@link MetricsSnapshot} in the Prometheus text exposition format, version 0.0.4: for
 * each family a {@code # HELP} and a {@code # TYPE} line, then one {@code name{labels} value}
 * line per sample. Stateless; thread-safe.
 */
public final class PrometheusText {
    /** The content type to serve it with. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** Thread-safe: the snapshot as exposition text, ending in a newline. */
    public static String format(MetricsSnapshot snapshot) {
        StringBuilder out = new StringBuilder(8192);
        for (MetricsSnapshot.Family f : snapshot.families()) {
            out.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
            out.append("# TYPE ").append(f.name()).append(' ').append(f.type().text()).append('\n');
            for (MetricsSnapshot.Sample s : f.samples()) {
                out.append(s.name());
                if (!s.labels().isEmpty()) {
                    out.append('{');
                    boolean first = true;
                    for (Map.Entry<String, String> l : s.labels().entrySet()) {
                        if (!first) {
                            out.append(',');
                        }
                        first = false;
                        out.append(l.getKey()).append("=\"").append(escapeLabel(l.getValue())).append('"');
                    }
                    out.append('}');
                }
                out.append(' ').append(number(s.value())).append('\n');
            }
        }
        return out.toString();
    }

    /** A value as Prometheus writes it: whole numbers without a fraction, NaN, +Inf, -Inf. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
