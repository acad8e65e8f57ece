package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The repository's schema.sql (copied next to this class by the build: one source of truth) and
 * how to apply it. Every statement is idempotent, and so is the upgrade that follows, so it runs at
 * each open. Stateless.
 */
final class Schema {
    static final String RESOURCE = "schema.sql";

    private Schema() {
    }

    /**
     * Runs every statement of the schema, adapted to the dialect, in autocommit mode, then moves what
     * an earlier release left in its offline store into the inboxes ({@link OfflineMigration}).
     */
    static void apply(Connection connection, Dialect dialect) throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (String sql : statements(dialect.adaptSchema(script()))) {
                st.execute(sql);
            }
        }
        OfflineMigration.run(connection);
    }

    /** schema.sql as bundled in the jar. */
    static String script() {
        try (InputStream in = Schema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new StoreException("resource " + RESOURCE + " is missing next to " + Schema.class.getName()
                        + " (chatcore's build copies it from the repository root)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read resource " + RESOURCE, e);
        }
    }

    /**
     * The statements of a script: "--" starts a comment that runs to the end of the line, and a ";"
     * at the end of a line ends a statement. (Enough for schema.sql, which has no ";" or "--" in
     * its string literals; not a general SQL parser.)
     */
    static List<String> statements(String script) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\\R")) {
            int comment = line.indexOf("--");
            String code = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (code.isEmpty()) {
                continue;
            }
            boolean end = code.endsWith(";");
            current.append(end ? code.substring(0, code.length() - 1) : code).append('\n');
            if (end) {
                result.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            result.add(current.toString().strip());
        }
        return result;
    }
}
