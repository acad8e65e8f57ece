package dev.clusterchat.chatctl;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;

/** --ping for commands that stay connected (listen, shell): the keepalive interval. */
final class PingOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--ping", paramLabel = "SECONDS", defaultValue = "30",
            description = "Seconds between keepalive pings (msgid 18); 0 turns them off. Default: ${DEFAULT-VALUE}.")
    private double seconds;

    /** The interval, validated; zero means no pings. */
    Duration interval() {
        if (!(seconds >= 0) || seconds > 86_400) {
            throw new ParameterException(mixee.commandLine(), "--ping must be between 0 and 86400 seconds: " + seconds);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
