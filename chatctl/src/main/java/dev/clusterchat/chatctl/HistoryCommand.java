package dev.clusterchat.chatctl;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * chatctl history: past messages of a conversation or a group (msgid 24), newest first, a page at a
 * time. Logs in with "ack":true, so it takes no undelivered message off the server.
 */
@Command(name = "history", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = {"Print past messages of your conversation with a user (--peer) or of a group",
                "you are in (--group), msgid 24: newest first, your own included, one page",
                "(--limit), --pages N or --all. One line a message:",
                "  [time] name(id) -> you: msg",
                "  [time] you -> ID: msg",
                "  [time] group G: name(id): msg",
                "(with --json, the message's JSON, msgno included). When more remain, stderr",
                "says the --before for the next page. Logs in with \"ack\":true and no sync,",
                "so it takes no undelivered message off the server."})
final class HistoryCommand extends UserCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    private Target target;

    /** Exactly one of --peer and --group. */
    static final class Target {
        @Option(names = "--peer", paramLabel = "ID", required = true,
                description = "The user whose conversation with you to print.")
        private Long peer;

        @Option(names = "--group", paramLabel = "GROUPID", required = true, description = "The group to print.")
        private Long group;
    }

    @Option(names = "--before", paramLabel = "MSGNO", defaultValue = "0",
            description = "Start below this msgno (the last one a page printed). Default: the newest message.")
    private long before;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + History.DEFAULT_LIMIT,
            description = "Messages per page (1-" + History.MAX_LIMIT + "). Default: ${DEFAULT-VALUE}.")
    private int limit;

    @Option(names = "--pages", paramLabel = "N", defaultValue = "1",
            description = "Print up to N pages. Default: ${DEFAULT-VALUE}.")
    private int pages;

    @Option(names = "--all", description = "Print every page, back to the oldest message stored.")
    private boolean all;

    @Override
    public Integer call() {
        long id = checkedLogin();
        boolean peer = target.peer != null;
        String field = peer ? "peer" : "groupid";
        long of = positiveId(peer ? target.peer : target.group, peer ? "--peer" : "--group");
        if (before < 0) {
            throw usage("--before must be 0 or more: " + before);
        }
        requireRange(limit, 1, History.MAX_LIMIT, "--limit");
        if (pages < 1) {
            throw usage("--pages must be at least 1: " + pages);
        }
        if (all && spec.commandLine().getParseResult().hasMatchedOption("--pages")) {
            throw usage("--all cannot be combined with --pages");
        }
        Output out = global.output();
        try (ChatConnection conn = global.connect(f -> {
            if (!f.reply()) {
                out.incoming(f);
            }
        })) {
            ackLogin(conn);
            long next = History.read(conn, global.timeout(), field, of, before, limit, all ? 0 : pages, m -> {
                out.message(m, id);
                return true;
            });
            if (next > 0) {
                out.status("more before msgno " + next + ": add --before " + next);
            }
            return ExitCodes.OK;
        }
    }
}
