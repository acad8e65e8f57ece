package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** chatctl register: create an account (msgid 4) and print its id. */
@Command(name = "register", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = "Create an account (msgid 4); prints \"registered id N\".")
final class RegisterCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Spec
    private CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", required = true, description = "User name (1-50 characters).")
    private String name;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "Password (1-128 characters). Default: the environment variable " + Chatctl.PASSWORD_ENV + ".")
    private String password;

    @Override
    public Integer call() {
        JsonObject request = Requests.register(name, Credentials.password(password, spec));
        global.validate();
        Output out = global.output();
        try (ChatConnection conn = global.connect(out::echo)) {
            JsonObject reply = ChatctlException.requireOk(conn.call(request, global.timeout(), "register"), "register");
            out.line(Formats.reply(request, reply));
            return ExitCodes.OK;
        }
    }
}
