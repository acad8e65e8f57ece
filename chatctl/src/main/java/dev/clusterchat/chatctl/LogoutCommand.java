package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;

/** chatctl logout: log in, then log out (msgid 3). */
@Command(name = "logout", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = "Log in, then log out (msgid 3); prints \"logged out\".")
final class LogoutCommand extends LoggedInCommand {
    @Override
    JsonObject request() {
        return Requests.logout();
    }
}
