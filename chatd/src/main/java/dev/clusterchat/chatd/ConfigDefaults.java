package dev.clusterchat.chatd;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Option values that do not come from the command line: a {@code CHATD_<OPTION>} environment
 * variable, else the properties file named by {@code --config} (or {@code CHATD_CONFIG}), else
 * the option's built-in default. An option's key is its long name without the dashes
 * ({@code admin-port}); its variable is the key in upper case with underscores
 * ({@code CHATD_ADMIN_PORT}). picocli asks only for options absent from the command line, so a
 * flag always wins. The environment is passed in, so tests need not change the real one.
 *
 * <p>Not thread-safe: one per command line, used while it parses.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    static final String ENV_PREFIX = "CHATD_";
    private static final String CONFIG = "config";
    /** Options no file or variable sets. */
    private static final Set<String> COMMAND_LINE_ONLY = Set.of("help", "version");

    private final Map<String, String> env;
    private Path loadedPath;
    private Properties loaded;
    /** Where each value handed out came from, by option key, to name it in errors. */
    private final Map<String, Source> sources = new HashMap<>();

    private record Source(String value, String where) {
    }

    ConfigDefaults(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The environment variable that stands in for an option, e.g. {@code CHATD_ADMIN_PORT}. */
    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String key = key(option);
        if (COMMAND_LINE_ONLY.contains(key)) {
            return null;
        }
        String name = envName(key);
        String value = env.get(name);
        if (value != null) {
            return remember(key, value, "environment variable " + name);
        }
        if (key.equals(CONFIG)) {
            return null;
        }
        Path file = configFile(option.command());
        if (file == null) {
            return null;
        }
        value = properties(file, option.command()).getProperty(key);
        return value == null ? null : remember(key, value, "config file " + file);
    }

    /**
     * Where the offending value of a failed option came from ("environment variable CHATD_PORT",
     * "config file chatd.properties"), or null if it came from the command line.
     */
    String sourceOf(CommandLine.ParameterException e) {
        if (!(e.getArgSpec() instanceof OptionSpec option)) {
            return null;
        }
        Source s = sources.get(key(option));
        return s != null && s.value().equals(e.getValue()) ? s.where() : null;
    }

    private String remember(String key, String value, String where) {
        sources.put(key, new Source(value, where));
        return value;
    }

    private static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** --config as given on the command line, else $CHATD_CONFIG, else none. */
    private Path configFile(CommandSpec command) {
        OptionSpec config = command.findOption("--" + CONFIG);
        Object given = config == null ? null : config.getValue();
        String path = given != null ? given.toString() : env.get(envName(CONFIG));
        return path == null ? null : Path.of(path);
    }

    private Properties properties(Path file, CommandSpec command) {
        if (file.equals(loadedPath)) {
            return loaded;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "cannot read config file " + file + ": " + describe(e));
        }
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        for (OptionSpec o : command.options()) {
            String key = key(o);
            if (!COMMAND_LINE_ONLY.contains(key) && !key.equals(CONFIG)) {
                unknown.remove(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "config file " + file + ": unknown option" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                            + " (keys are option names without the dashes, e.g. port=6000)");
        }
        loadedPath = file;
        loaded = p;
        return p;
    }

    private static String describe(Exception e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    }
}
