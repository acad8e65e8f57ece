package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** chatctl chat: send a one-to-one message (msgid 6). */
@Command(name = "chat", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = {"Send a message to one user (msgid 6); they get it live or at their next login.",
                "Prints where the server stored it:",
                "  sent to ID: msgno N, useq N, stored TIME",
                "--json prints the frames, the reply last."})
final class ChatCommand extends LoggedInCommand {
    @Option(names = "--to", paramLabel = "ID", required = true, description = "Recipient's user id.")
    private long to;

    @Parameters(paramLabel = "MESSAGE", arity = "1..*", description = "The message; several words are joined with spaces.")
    private List<String> words;

    @Mixin
    private CmidOption cmid;

    @Override
    JsonObject request() {
        return Requests.chat(positiveId(to, "--to"), String.join(" ", words), cmid.value());
    }
}
