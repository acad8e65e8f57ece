package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;

/** chatctl login: log in and print the account's friends, groups and offline messages. */
@Command(name = "login", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = {"Log in and print your name, friends, groups and offline messages.",
                "The server hands out offline messages once: they are gone after this."})
final class LoginCommand extends LoggedInCommand {
    @Override
    JsonObject request() {
        return null;
    }
}
