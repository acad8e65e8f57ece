package dev.clusterchat.bench.routing;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The bench's command-line conventions (its Cli and DurationConverter are package-private in
 * dev.clusterchat.bench): bad options print one line and exit 2, a failure one line and exit 1.
 */
final class RoutingCli {
    static final int USAGE = 2;
    static final int FAILED = 1;

    private RoutingCli() {
    }

    static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println(ex.getCommandLine().getCommandName() + ": " + ex.getMessage()
                    + " (see --help)");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + oneLine(ex));
            return FAILED;
        });
        return cl;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    /** Reads "10", "10s", "500ms" or "2m" (a bare number means seconds). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value.trim());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration (e.g. 10, 10s, 500ms, 2m)");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        }

        /** "3 s", "500 ms": for the summary. */
        static String show(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
    }
}
