package dev.clusterchat.chatctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * chatctl sync: log in as an acknowledging client, page through the messages after the positions
 * (msgid 20), print them and acknowledge them (msgid 22); with --follow go on with live ones.
 */
@Command(name = "sync", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = {"Log in with \"ack\":true, print the messages after your positions (msgid 20,",
                "a page at a time) and acknowledge them (msgid 22): the next sync prints only",
                "what came since. Positions: those the server has on record (acknowledged),",
                "unless --from-useq, --from-gseq or --all say otherwise. One line a message:",
                "  [time] name(id) -> you: msg",
                "  [time] group G: name(id): msg",
                "(with --json, the message's JSON); stderr says the positions reached.",
                "Exits once it has everything; with --follow, goes on printing (and",
                "acknowledging) new messages as they come, until Ctrl+C."})
final class SyncCommand extends UserCommand {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    @Option(names = "--from-useq", paramLabel = "N",
            description = "Print the one-to-one messages after inbox seq N (useq). Default: the acknowledged one.")
    private Long fromUseq;

    @Option(names = "--from-gseq", paramLabel = "GROUP=N",
            description = "Print group GROUP's messages after its seq N (gseq); repeatable. "
                    + "Default: the acknowledged one.")
    private Map<Long, Long> fromGseq;

    @Option(names = "--all", description = "Print everything still stored, from the oldest message of every timeline.")
    private boolean all;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
            description = "Messages per page (1-" + MAX_LIMIT + "). Default: ${DEFAULT-VALUE}.")
    private int limit;

    @Option(names = "--no-ack", description = "Do not acknowledge: the next sync prints the same messages again.")
    private boolean noAck;

    @Option(names = "--follow", description = "After the sync, print (and acknowledge) new messages until Ctrl+C.")
    private boolean follow;

    @Option(names = "--count", paramLabel = "N",
            description = "Exit 0 once N messages were printed (and acknowledged). Default: no limit.")
    private Integer count;

    @Mixin
    private PingOption ping;

    @Override
    public Integer call() {
        long id = checkedLogin();
        validate();
        Duration pingInterval = ping.interval();
        Duration timeout = global.timeout();
        Output out = global.output();
        Receiver receiver = new Receiver(out, out::message, !noAck, follow, count == null ? 0 : count);
        try (ChatConnection conn = global.connect(f -> {
            if (!receiver.accept(f) && !f.reply()) {
                out.incoming(f);
            }
        })) {
            receiver.start(conn, id, ackLogin(conn));
            if (all) {
                receiver.rewind();
            } else {
                receiver.from(fromUseq, fromGseq);
            }
            receiver.sync(limit, timeout);
            if (follow && !receiver.enough().isDone()) {
                out.status(summary(receiver) + "; following new messages until Ctrl+C");
                Keepalive.start(conn, pingInterval);
                try {
                    CompletableFuture.anyOf(receiver.enough(), conn.closed()).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExitCodes.OK;
                } catch (ExecutionException cannotHappen) {
                    throw new IllegalStateException(cannotHappen);
                }
                if (!receiver.enough().isDone()) {
                    throw ChatctlException.closed(conn.peer());
                }
                receiver.flush(timeout);
            }
            out.status(summary(receiver));
            return ExitCodes.OK;
        }
    }

    /** "3 messages, at useq 17, group 1 gseq 5 (acknowledged)". */
    private String summary(Receiver receiver) {
        return Formats.messages(receiver.shown()) + ", at " + receiver.positions()
                + (noAck ? " (not acknowledged)" : " (acknowledged)");
    }

    private void validate() {
        if (fromGseq == null) {
            fromGseq = Map.of();
        }
        if (all && (fromUseq != null || !fromGseq.isEmpty())) {
            throw usage("--all cannot be combined with --from-useq or --from-gseq");
        }
        if (fromUseq != null && fromUseq < 0) {
            throw usage("--from-useq must be 0 or more: " + fromUseq);
        }
        fromGseq.forEach((group, seq) -> {
            if (group < 1 || seq < 0) {
                throw usage("--from-gseq needs a positive group id and a seq of 0 or more: " + group + "=" + seq);
            }
        });
        requireRange(limit, 1, MAX_LIMIT, "--limit");
        if (count != null && count < 1) {
            throw usage("--count must be at least 1: " + count);
        }
    }
}
