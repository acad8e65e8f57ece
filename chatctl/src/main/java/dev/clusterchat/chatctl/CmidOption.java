package dev.clusterchat.chatctl;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.UUID;

/** --cmid for the chat commands: the message's idempotency key, generated unless given (to resend). */
final class CmidOption {
    static final int MAX_LENGTH = 64;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--cmid", paramLabel = "KEY",
            description = {"The message's idempotency key (1-64 characters), unique per sender: a resend with the key "
                    + "of an earlier send is stored and delivered once, and its reply says dup.",
                    "Default: a new random one (an error that may have lost the reply names it, for the resend)."})
    private String cmid;

    /** The given key, validated, or a new one. */
    String value() {
        if (cmid == null) {
            return UUID.randomUUID().toString();
        }
        int length = cmid.codePointCount(0, cmid.length());
        if (length < 1 || length > MAX_LENGTH) {
            throw new ParameterException(mixee.commandLine(),
                    "--cmid must be 1 to " + MAX_LENGTH + " characters: " + length);
        }
        return cmid;
    }
}
