package dev.clusterchat.bench.routing;

/**
 * What one scheme's run measures, in the order of the table. Each figure in the summary is the
 * median over rounds, except the losses, which are summed (any loss is a failure).
 */
enum Metric {
    LOGIN_P50("login", "latency p50", "µs", 1),
    LOGIN_P99("login", "latency p99", "µs", 1),
    LOGIN_TOTAL("login", "total for --users", "ms", 0),
    LOGIN_RATE("login", "logins/s", "", 0),
    LOGIN_REDIS_CPU("login", "Redis CPU per login", "µs", 2),
    MEMORY("memory", "Redis used_memory delta", "KiB", 0),
    MEMORY_PER_USER("memory", "used_memory per user", "B", 0),
    SUBSCRIBER_CHANNELS("memory", "node B subscriber: channels", "", 0),
    SUBSCRIBER_MEMORY("memory", "node B subscriber: tot-mem", "KiB", 0),
    ONE_SENDS("1:1", "sends/s", "", 0),
    ONE_DELIVERED("1:1", "delivered/s", "", 0),
    ONE_P50("1:1", "end-to-end p50", "µs", 1),
    ONE_P99("1:1", "end-to-end p99", "µs", 1),
    ONE_COMMANDS("1:1", "Redis commands per send", "", 2),
    ONE_REDIS_CPU("1:1", "Redis CPU per send", "µs", 2),
    ONE_OMEM("1:1", "peak subscriber omem", "KiB", 0),
    ONE_LOST("1:1", "lost (summed over rounds)", "", 0, true),
    GROUP_RATE("group", "group messages/s", "", 0),
    GROUP_DELIVERIES("group", "deliveries/s", "", 0),
    GROUP_P50("group", "delivery p50", "µs", 1),
    GROUP_P99("group", "delivery p99", "µs", 1),
    GROUP_COMMANDS("group", "Redis commands per message", "", 2),
    GROUP_REDIS_CPU("group", "Redis CPU per message", "µs", 1),
    GROUP_OMEM("group", "peak subscriber omem", "KiB", 0),
    GROUP_LOST("group", "lost (summed over rounds)", "", 0, true);

    final String phase;
    final String label;
    final String unit;
    final int decimals;
    final boolean summed;

    Metric(String phase, String label, String unit, int decimals) {
        this(phase, label, unit, decimals, false);
    }

    Metric(String phase, String label, String unit, int decimals, boolean summed) {
        this.phase = phase;
        this.label = label;
        this.unit = unit;
        this.decimals = decimals;
        this.summed = summed;
    }
}
