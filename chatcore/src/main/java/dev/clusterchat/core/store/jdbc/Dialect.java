package dev.clusterchat.core.store.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What differs between the databases {@link JdbcStore} runs on; all other SQL is shared. H2 runs in
 * its MariaDB mode, so it takes the same DDL (schema.sql) and DML (backticks, INSERT IGNORE).
 * Immutable.
 */
enum Dialect {
    /** Embedded H2 2.x (MODE=MariaDB): chatd's default. */
    H2("jdbc:h2:", "com.h2database:h2") {
        private final Pattern mode = Pattern.compile("(?i);\\s*MODE\\s*=\\s*([^;]*)");
        private final Pattern varchar = Pattern.compile("VARCHAR\\((\\d+)\\)");

        @Override
        String completeUrl(String url) {
            Matcher m = mode.matcher(url);
            String completed = url;
            if (!m.find()) {
                completed += ";MODE=MariaDB";
            } else if (!m.group(1).trim().equalsIgnoreCase("MariaDB") && !m.group(1).trim().equalsIgnoreCase("MySQL")) {
                throw new IllegalArgumentException("jdbcUrl: H2 must run with MODE=MariaDB, not MODE=" + m.group(1));
            }
            if (!completed.toUpperCase(Locale.ROOT).contains(";DATABASE_TO_")) {
                completed += ";DATABASE_TO_LOWER=TRUE";
            }
            if (!completed.toUpperCase(Locale.ROOT).contains(";WRITE_DELAY=")) {
                completed += ";WRITE_DELAY=0";
            }
            return completed;
        }

        /** H2 counts a VARCHAR's length in UTF-16 units, MariaDB in code points: an emoji takes two in H2. */
        @Override
        String adaptSchema(String ddl) {
            return varchar.matcher(ddl).replaceAll(r -> "VARCHAR(" + 2 * Integer.parseInt(r.group(1)) + ")");
        }
    },

    /** MariaDB 10.2 or later (utf8mb4_nopad_bin), through mariadb-java-client. */
    MARIADB("jdbc:mariadb:", "org.mariadb.jdbc:mariadb-java-client") {
        @Override
        Properties connectionProperties(String url, Duration connectTimeout) {
            Properties p = new Properties();
            if (!url.contains("connectTimeout")) {
                p.setProperty("connectTimeout", Long.toString(connectTimeout.toMillis()));
            }
            return p;
        }
    };

    private final String urlPrefix;
    private final String driverArtifact;

    Dialect(String urlPrefix, String driverArtifact) {
        this.urlPrefix = urlPrefix;
        this.driverArtifact = driverArtifact;
    }

    /** The dialect of a JDBC URL, or IllegalArgumentException naming the supported ones. */
    static Dialect of(String jdbcUrl) {
        for (Dialect d : values()) {
            if (jdbcUrl.regionMatches(true, 0, d.urlPrefix, 0, d.urlPrefix.length())) {
                return d;
            }
        }
        throw new IllegalArgumentException("jdbcUrl must start with jdbc:h2: or jdbc:mariadb: but is "
                + ConnectionPool.redact(jdbcUrl));
    }

    /** The Maven coordinates of the driver, for "not on the classpath" messages. */
    String driverArtifact() {
        return driverArtifact;
    }

    /**
     * The URL with the settings the store needs added: for H2, its compatibility mode, and
     * WRITE_DELAY=0 (unless the URL sets it). H2's MVStore otherwise writes a commit to its file
     * only within WRITE_DELAY ms (default 500) after commit() returned, so a process killed in
     * that window loses appends it acknowledged; with 0 each commit writes to the file before it
     * returns (no fsync: it survives a killed process, not a power cut), at the cost of one file
     * write per transaction.
     */
    String completeUrl(String url) {
        return url;
    }

    /** schema.sql as this database needs it. */
    String adaptSchema(String ddl) {
        return ddl;
    }

    /** Driver properties besides user and password. */
    Properties connectionProperties(String url, Duration connectTimeout) {
        return new Properties();
    }

    /** A unique constraint failed: H2 says SQLState 23505, MariaDB error 1062 (or 1586) with SQLState 23000. */
    static boolean isDuplicateKey(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause() : next(t)) {
            if (t instanceof SQLException x
                    && ("23505".equals(x.getSQLState()) || x.getErrorCode() == 1062 || x.getErrorCode() == 1586)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable next(Throwable t) {
        return t instanceof SQLException x ? x.getNextException() : null;
    }

    /** A deadlock or serialization failure (SQLState 40001): the transaction may simply be run again. */
    static boolean isRetryable(SQLException e) {
        return "40001".equals(e.getSQLState());
    }
}
