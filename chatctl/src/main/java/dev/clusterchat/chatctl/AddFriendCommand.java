package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** chatctl addfriend: add a friend (msgid 7). */
@Command(name = "addfriend", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = "Add a friend (msgid 7); friendship is mutual.")
final class AddFriendCommand extends LoggedInCommand {
    @Parameters(paramLabel = "FRIENDID", description = "The friend's user id.")
    private long friendId;

    @Override
    JsonObject request() {
        return Requests.addFriend(positiveId(friendId, "FRIENDID"));
    }
}
