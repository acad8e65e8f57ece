package dev.clusterchat.core.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Every metric read at one moment, grouped in families as Prometheus groups them (see
 * {@link PrometheusText}). Immutable; built with {@link #builder()}, which checks names.
 *
 * @param families in the order they were added
 */
public record MetricsSnapshot(List<Family> families) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** What a family measures: a count that only grows, a level, or a distribution. */
    public enum Type {
        COUNTER, GAUGE, HISTOGRAM;

        /** The word in a {@code # TYPE} line. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One metric family. A counter's name ends in {@code _total}; a histogram's samples are named
     * {@code name_bucket} (with an {@code le} label), {@code name_sum} and {@code name_count}.
     */
    public record Family(String name, String help, Type type, List<Sample> samples) {
        public Family {
            samples = List.copyOf(samples);
        }
    }

    /** One value, with its full name and its labels in order. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }
    }

    public MetricsSnapshot {
        families = List.copyOf(families);
    }

    /** Thread-safe: a new builder, for one caller. */
    public static Builder builder() {
        return new Builder();
    }

    /** Thread-safe: the family with this name, if any. */
    public Optional<Family> family(String name) {
        return families.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /**
     * Thread-safe: the value of the first sample with this name whose labels include the given pairs
     * ({@code "reason", "idle"}), if any.
     */
    public OptionalDouble value(String sampleName, String... labelPairs) {
        Map<String, String> wanted = pairs(labelPairs);
        for (Family f : families) {
            for (Sample s : f.samples()) {
                if (s.name().equals(sampleName) && s.labels().entrySet().containsAll(wanted.entrySet())) {
                    return OptionalDouble.of(s.value());
                }
            }
        }
        return OptionalDouble.empty();
    }

    private static Map<String, String> pairs(String... labelPairs) {
        if (labelPairs.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs: " + List.of(labelPairs));
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            if (!LABEL.matcher(labelPairs[i]).matches()) {
                throw new IllegalArgumentException("bad label name: " + labelPairs[i]);
            }
            m.put(labelPairs[i], Objects.requireNonNull(labelPairs[i + 1], labelPairs[i]));
        }
        return m;
    }

    /** Collects families; {@link #build()} freezes them. Not thread-safe: one per snapshot. */
    public static final class Builder {
        private final List<FamilyBuilder> families = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        private Builder() {
        }

        /** A counter family; its name must end in {@code _total}. */
        public FamilyBuilder counter(String name, String help) {
            if (!name.endsWith("_total")) {
                throw new IllegalArgumentException("a counter's name must end in _total: " + name);
            }
            return add(name, help, Type.COUNTER);
        }

        public FamilyBuilder gauge(String name, String help) {
            return add(name, help, Type.GAUGE);
        }

        /** A histogram family: add one {@link Latency} per label set with {@link FamilyBuilder#latency}. */
        public FamilyBuilder histogram(String name, String help) {
            return add(name, help, Type.HISTOGRAM);
        }

        private FamilyBuilder add(String name, String help, Type type) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad metric name: " + name);
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("metric " + name + " is already in this snapshot");
            }
            FamilyBuilder f = new FamilyBuilder(name, Objects.requireNonNull(help, "help"), type);
            families.add(f);
            return f;
        }

        public MetricsSnapshot build() {
            return new MetricsSnapshot(families.stream().map(f -> new Family(f.name, f.help, f.type, f.samples)).toList());
        }
    }

    /** Adds the samples of one family. Not thread-safe. */
    public static final class FamilyBuilder {
        private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);
        private final String name;
        private final String help;
        private final Type type;
        private final List<Sample> samples = new ArrayList<>();

        private FamilyBuilder(String name, String help, Type type) {
            this.name = name;
            this.help = help;
            this.type = type;
        }

        /** A counter's or a gauge's value, with label name/value pairs. */
        public FamilyBuilder sample(double value, String... labelPairs) {
            if (type == Type.HISTOGRAM) {
                throw new IllegalStateException(name + " is a histogram: add a latency");
            }
            samples.add(new Sample(name, pairs(labelPairs), value));
            return this;
        }

        /** A histogram's buckets, sum (in seconds) and count, with label name/value pairs. */
        public FamilyBuilder latency(Latency latency, String... labelPairs) {
            if (type != Type.HISTOGRAM) {
                throw new IllegalStateException(name + " is not a histogram");
            }
            Map<String, String> labels = pairs(labelPairs);
            double[] bounds = Latency.boundsSeconds();
            long[] counts = latency.cumulativeCounts();
            for (int i = 0; i < counts.length; i++) {
                Map<String, String> withLe = new LinkedHashMap<>(labels);
                withLe.put("le", i < bounds.length ? PrometheusText.number(bounds[i]) : "+Inf");
                samples.add(new Sample(name + "_bucket", withLe, counts[i]));
            }
            samples.add(new Sample(name + "_sum", labels, latency.totalNanos() / NANOS_PER_SECOND));
            samples.add(new Sample(name + "_count", labels, counts[counts.length - 1]));
            return this;
        }
    }
}
