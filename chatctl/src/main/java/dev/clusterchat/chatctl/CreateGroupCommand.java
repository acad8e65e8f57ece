package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** chatctl creategroup: create a group (msgid 8). */
@Command(name = "creategroup", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = "Create a group (msgid 8); you become its creator.")
final class CreateGroupCommand extends LoggedInCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Group name (1-50 characters).")
    private String name;

    @Parameters(index = "1", paramLabel = "DESC", arity = "0..1", defaultValue = "",
            description = "Group description (at most 200 characters). Default: empty.")
    private String desc;

    @Override
    JsonObject request() {
        return Requests.createGroup(name, desc);
    }
}
