package dev.clusterchat.chatd;

import picocli.CommandLine;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** One line per log record on stderr: time, level, logger, message. */
final class Logs {
    /** Held so the level set on it is not lost when the logger is garbage collected. */
    private static Logger mariadb;

    private Logs() {
    }

    static void configure(String levelName, CommandLine cmd) {
        Level level = level(levelName, "--log-level", cmd);
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new SimpleFormatter());
        console.setLevel(level);
        root.addHandler(console);
        root.setLevel(level);
        // the MariaDB driver warns about every duplicate key, i.e. every "name is taken": not news
        if (level.intValue() > Level.FINE.intValue()) {
            mariadb = Logger.getLogger("org.mariadb.jdbc");
            mariadb.setLevel(Level.SEVERE);
        }
    }

    /** The level with this name (any case), or a usage error naming the option. */
    static Level level(String name, String option, CommandLine cmd) {
        try {
            return Level.parse(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd,
                    option + ": unknown level '" + name + "' (use SEVERE, WARNING, INFO, FINE or OFF)");
        }
    }
}
