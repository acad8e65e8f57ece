package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** chatctl addgroup: join a group (msgid 9). */
@Command(name = "addgroup", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = "Join a group (msgid 9).")
final class AddGroupCommand extends LoggedInCommand {
    @Parameters(paramLabel = "GROUPID", description = "The group's id.")
    private long groupId;

    @Override
    JsonObject request() {
        return Requests.joinGroup(positiveId(groupId, "GROUPID"));
    }
}
