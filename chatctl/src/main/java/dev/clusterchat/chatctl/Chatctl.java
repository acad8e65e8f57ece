package dev.clusterchat.chatctl;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * chatctl: a scripted client for chatd. The root command only holds the subcommands, the global
 * options, and what the process gives it (stdin, environment), so tests can give their own.
 */
@Command(name = "chatctl", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        modelTransformer = Chatctl.ErrorHandling.class,
        description = "Scripted client for chatd (protocol v1: JSON frames over TCP).",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the server answered with an error (errno != 0)",
            "2:bad usage",
            "3:cannot reach the server, or it closed the connection",
            "4:no reply within --timeout",
            "5:internal error"},
        footer = {"", "Options given before COMMAND apply to it unless it repeats them.",
                "Run 'chatctl COMMAND --help' for a command's options."},
        subcommands = {
            RegisterCommand.class,
            LoginCommand.class,
            ChatCommand.class,
            AddFriendCommand.class,
            CreateGroupCommand.class,
            AddGroupCommand.class,
            GroupChatCommand.class,
            LogoutCommand.class,
            SyncCommand.class,
            HistoryCommand.class,
            SendCommand.class,
            ListenCommand.class,
            ShellCommand.class,
            dev.clusterchat.chatctl.bench.BenchCommand.class})
public final class Chatctl implements Callable<Integer> {
    static final String PASSWORD_ENV = "CHATCTL_PASSWORD";

    @Mixin
    GlobalOptions global;

    @Spec
    private CommandSpec spec;

    private final InputStream stdin;
    private final Map<String, String> env;

    public Chatctl() {
        this(System.in, System.getenv());
    }

    /** For embedding and tests: the shell reads {@code stdin}; passwords may come from {@code env}. */
    public Chatctl(InputStream stdin, Map<String, String> env) {
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Chatctl()).execute(args));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command (register, login, chat, ...)");
    }

    /** The root of the command a mixin or subcommand belongs to, or null if run on its own. */
    static Chatctl of(CommandSpec spec) {
        return spec.root().userObject() instanceof Chatctl c ? c : null;
    }

    static InputStream stdin(CommandSpec spec) {
        Chatctl root = of(spec);
        return root != null ? root.stdin : System.in;
    }

    static String env(CommandSpec spec, String name) {
        Chatctl root = of(spec);
        return root != null ? root.env.get(name) : System.getenv(name);
    }

    /**
     * Installs chatctl's error handling on the CommandLine as it is built, so that every
     * {@code new CommandLine(new Chatctl())}, in main and in tests alike, prints one-line errors
     * and returns meaningful exit codes.
     */
    static final class ErrorHandling implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            CommandLine cl = spec.commandLine();
            ErrorHandler handler = new ErrorHandler();
            cl.setParameterExceptionHandler(handler);
            cl.setExecutionExceptionHandler(handler);
            cl.setExitCodeExceptionMapper(new ExitCodes());
            return spec;
        }
    }
}
