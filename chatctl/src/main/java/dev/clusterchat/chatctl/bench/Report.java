package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A run's summary: readable lines, or one JSON object with --json. Not thread-safe; built after the run. */
final class Report {
    private final JsonObject json = new JsonObject();
    private final List<String> lines = new ArrayList<>();

    Report(String scenario) {
        json.addProperty("scenario", scenario);
    }

    Report put(String key, Number value) {
        json.addProperty(key, value);
        return this;
    }

    Report put(String key, String value) {
        json.addProperty(key, value);
        return this;
    }

    Report put(String key, boolean value) {
        json.addProperty(key, value);
        return this;
    }

    /** Adds {@code <prefix>_p50_us} etc. (microseconds) to the JSON, and returns "p50 1.23 ms  p99 ..." for a line. */
    String latency(String prefix, Histogram h, boolean p999) {
        json.addProperty(prefix + "_count", h.count());
        json.addProperty(prefix + "_p50_us", micros(h.valueAt(0.5)));
        json.addProperty(prefix + "_p99_us", micros(h.valueAt(0.99)));
        if (p999) {
            json.addProperty(prefix + "_p999_us", micros(h.valueAt(0.999)));
        }
        json.addProperty(prefix + "_max_us", micros(h.max()));
        return "p50 " + ms(h.valueAt(0.5)) + "  p99 " + ms(h.valueAt(0.99))
                + (p999 ? "  p99.9 " + ms(h.valueAt(0.999)) : "") + "  max " + ms(h.max());
    }

    Report line(String format, Object... args) {
        lines.add(String.format(Locale.ROOT, format, args));
        return this;
    }

    JsonObject json() {
        return json;
    }

    void print(PrintWriter out, boolean asJson) {
        if (asJson) {
            out.println(json);
        } else {
            lines.forEach(out::println);
        }
        out.flush();
    }

    static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, nanos < 10_000_000 ? "%.3f ms" : "%.1f ms", nanos / 1e6);
    }

    static double perSecond(long count, double seconds) {
        return seconds > 0 ? Math.round(count / seconds * 10) / 10.0 : 0;
    }
}
