package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

/** chatctl groupchat: send a message to a group (msgid 10). */
@Command(name = "groupchat", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = {"Send a message to every other member of a group (msgid 10).",
                "Prints where the server stored it:",
                "  sent to group G (N recipients): msgno N, gseq N, stored TIME",
                "--json prints the frames, the reply last."})
final class GroupChatCommand extends LoggedInCommand {
    @Parameters(index = "0", paramLabel = "GROUPID", description = "The group's id.")
    private long groupId;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "MESSAGE",
            description = "The message; several words are joined with spaces.")
    private List<String> words;

    @Mixin
    private CmidOption cmid;

    @Override
    JsonObject request() {
        return Requests.groupChat(positiveId(groupId, "GROUPID"), String.join(" ", words), cmid.value());
    }
}
