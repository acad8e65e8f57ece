package dev.clusterchat.chatctl.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * chatctl bench SCENARIO: a load generator on plain java.nio (a few selector threads, not a
 * thread per connection). Progress goes to stderr once a second, the summary to stdout.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Load-test chatd: login, chat (one-to-one pairs), fanout (one group) or connections (idle, logged in).",
                "Progress on stderr every second; a summary on stdout (one JSON object with --json)."},
        synopsisSubcommandLabel = "SCENARIO",
        subcommands = {LoginBench.class, ChatBench.class, FanoutBench.class, ConnectionsBench.class})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing scenario (login, chat, fanout, connections)");
    }
}
