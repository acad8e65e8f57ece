package dev.clusterchat.bench.routing;

import java.util.concurrent.atomic.LongAdder;

/** What the sending threads did: messages sent, Redis commands issued, recipients nobody received. Thread-safe. */
final class Tally {
    final LongAdder messages = new LongAdder();
    final LongAdder commands = new LongAdder();
    final LongAdder undelivered = new LongAdder();
}
