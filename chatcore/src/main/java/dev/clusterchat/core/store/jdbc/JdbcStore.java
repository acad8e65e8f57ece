package dev.clusterchat.core.store.jdbc;

import dev.clusterchat.core.store.Appended;
import dev.clusterchat.core.store.ChatStore;
import dev.clusterchat.core.store.Cursor;
import dev.clusterchat.core.store.Group;
import dev.clusterchat.core.store.GroupWithMembers;
import dev.clusterchat.core.store.Member;
import dev.clusterchat.core.store.MessageLimits;
import dev.clusterchat.core.store.NameTakenException;
import dev.clusterchat.core.store.NewMessage;
import dev.clusterchat.core.store.PasswordHash;
import dev.clusterchat.core.store.Role;
import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.store.User;
import dev.clusterchat.core.store.UserRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ChatStore} on JDBC: embedded H2 (file mode, chatd's default) or MariaDB, with the same SQL
 * for both except where {@link Dialect} says otherwise, on the tables of the repository's schema.sql.
 * Thread-safe: each call borrows a connection from a small bounded pool. Calls block: never call
 * from an I/O loop.
 */
public final class JdbcStore implements ChatStore {
    /** How long a call waits for a free connection before it fails. */
    public static final Duration DEFAULT_BORROW_TIMEOUT = Duration.ofSeconds(5);
    private static final int EMBEDDED_POOL_SIZE = 8;
    private static final int MAX_FRIEND_ATTEMPTS = 3;
    private static final int CHECK_TIMEOUT_SECONDS = 2;

    private static final String INSERT_USER = "INSERT INTO `user` "
            + "(name, password_algorithm, password_iterations, password_salt, password_hash) VALUES (?, ?, ?, ?, ?)";
    private static final String FIND_USER = "SELECT id, name, password_algorithm, password_iterations, "
            + "password_salt, password_hash FROM `user` WHERE id = ?";
    private static final String ADD_FRIENDS = "INSERT IGNORE INTO friend (userid, friendid) VALUES (?, ?), (?, ?)";
    private static final String FRIENDS = "SELECT u.id, u.name FROM friend f JOIN `user` u ON u.id = f.friendid "
            + "WHERE f.userid = ? ORDER BY u.id";
    private static final String INSERT_GROUP = "INSERT INTO allgroup (groupname, groupdesc) VALUES (?, ?)";
    private static final String FIND_GROUP = "SELECT id, groupname, groupdesc FROM allgroup WHERE id = ?";
    /** A new member's cursor starts at the group's last seq: joining does not deliver older messages. */
    private static final String ADD_MEMBER = "INSERT IGNORE INTO groupuser (groupid, userid, grouprole, acked) "
            + "VALUES (?, ?, ?, COALESCE((SELECT lastseq FROM groupseq WHERE groupid = ?), 0))";
    private static final String GROUP_IDS = "SELECT groupid FROM groupuser WHERE userid = ? ORDER BY groupid";
    private static final String IS_MEMBER = "SELECT 1 FROM groupuser WHERE groupid = ? AND userid = ?";
    private static final String MEMBER_IDS = "SELECT userid FROM groupuser WHERE groupid = ? ORDER BY userid";
    private static final String GROUPS_OF = "SELECT g.id, g.groupname, g.groupdesc, u.id, u.name, m.grouprole "
            + "FROM groupuser mine JOIN allgroup g ON g.id = mine.groupid "
            + "JOIN groupuser m ON m.groupid = g.id JOIN `user` u ON u.id = m.userid "
            + "WHERE mine.userid = ? ORDER BY g.id, u.id";

    private final Dialect dialect;
    private final SqlRunner sql;
    /** Held around each append on H2 (see {@link AppendGate}); null on MariaDB. */
    private final ReentrantLock appendGate;

    private JdbcStore(Dialect dialect, SqlRunner sql, ReentrantLock appendGate) {
        this.dialect = dialect;
        this.sql = sql;
        this.appendGate = appendGate;
    }

    /**
     * Thread-safe: connects to {@code jdbc:h2:...} or {@code jdbc:mariadb:...}, applies schema.sql and
     * returns the store; fails with a {@link StoreException} naming the URL (password masked) if the
     * database cannot be reached. H2 URLs get {@code MODE=MariaDB;DATABASE_TO_LOWER=TRUE} if absent.
     */
    public static JdbcStore open(String jdbcUrl, String user, String password, int poolSize) {
        return open(jdbcUrl, user, password, poolSize, DEFAULT_BORROW_TIMEOUT);
    }

    /** Thread-safe: as {@link #open(String, String, String, int)}, with the pool's borrow timeout. */
    public static JdbcStore open(String jdbcUrl, String user, String password, int poolSize, Duration borrowTimeout) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(borrowTimeout, "borrowTimeout");
        Dialect dialect = Dialect.of(jdbcUrl);
        String url = dialect.completeUrl(jdbcUrl);
        try {
            DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new StoreException("no JDBC driver for " + ConnectionPool.redact(url) + ": add "
                    + dialect.driverArtifact() + " to the classpath", e);
        }
        ConnectionPool pool = new ConnectionPool(url, user, password,
                dialect.connectionProperties(url, borrowTimeout), poolSize, borrowTimeout,
                ConnectionPool.DEFAULT_ALIVE_BYPASS);
        SqlRunner sql = new SqlRunner(pool);
        try {
            ReentrantLock gate = dialect == Dialect.H2 ? sql.call("find the database", AppendGate::of) : null;
            JdbcStore store = new JdbcStore(dialect, sql, gate);
            store.appending(() -> sql.call("apply schema", c -> { // its one-time moves append messages too
                Schema.apply(c, dialect);
                return null;
            }));
            return store;
        } catch (RuntimeException e) {
            sql.close();
            throw e;
        }
    }

    /**
     * Thread-safe: the embedded H2 database {@code chat} in {@code dataDir} (created if needed), as
     * chatd uses by default. Only one process may open a directory at a time.
     */
    public static JdbcStore embedded(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (dir.toString().contains(";")) {
            throw new IllegalArgumentException("dataDir cannot contain ';': " + dir);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + dir, e);
        }
        return open("jdbc:h2:file:" + dir.resolve("chat") + ";MODE=MariaDB;DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000",
                "sa", "", EMBEDDED_POOL_SIZE);
    }

    /** Thread-safe. */
    @Override
    public long createUser(String name, PasswordHash password) {
        checkLength("name", name, MAX_NAME_LENGTH);
        Objects.requireNonNull(password, "password");
        return sql.call("createUser", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_USER, Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, name);
                ps.setString(2, password.algorithm());
                ps.setInt(3, password.iterations());
                ps.setBytes(4, password.salt());
                ps.setBytes(5, password.hash());
                ps.executeUpdate();
                return generatedId(ps);
            } catch (SQLException e) {
                if (Dialect.isDuplicateKey(e)) {
                    throw new NameTakenException("user name is taken: " + name);
                }
                throw e;
            }
        });
    }

    /** Thread-safe. */
    @Override
    public Optional<UserRecord> findUser(long id) {
        return rows("findUser", FIND_USER, id, rs -> new UserRecord(rs.getLong(1), rs.getString(2),
                new PasswordHash(rs.getString(3), rs.getInt(4), rs.getBytes(5), rs.getBytes(6)))).stream().findFirst();
    }

    /**
     * Thread-safe. Both rows go in one INSERT IGNORE, always in the same order so that concurrent
     * calls for one pair cannot deadlock; H2 may still report a concurrent twin as a duplicate, so
     * that is retried.
     */
    @Override
    public void addFriend(long a, long b) {
        if (a == b) {
            throw new IllegalArgumentException("a and b must differ: " + a);
        }
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        sql.call("addFriend", c -> {
            for (int attempt = 1; ; attempt++) {
                try (PreparedStatement ps = c.prepareStatement(ADD_FRIENDS)) {
                    ps.setLong(1, lo);
                    ps.setLong(2, hi);
                    ps.setLong(3, hi);
                    ps.setLong(4, lo);
                    ps.executeUpdate();
                    return null;
                } catch (SQLException e) {
                    if (attempt == MAX_FRIEND_ATTEMPTS || !Dialect.isDuplicateKey(e)) {
                        throw e;
                    }
                }
            }
        });
    }

    /** Thread-safe. */
    @Override
    public List<User> friends(long userId) {
        return rows("friends", FRIENDS, userId, rs -> new User(rs.getLong(1), rs.getString(2)));
    }

    /** Thread-safe. The group and its creator's membership are written in one transaction. */
    @Override
    public long createGroup(String name, String description, long creatorId) {
        checkLength("name", name, MAX_NAME_LENGTH);
        checkLength("description", description, MAX_DESCRIPTION_LENGTH);
        return sql.transaction("createGroup", c -> {
            long groupId;
            try (PreparedStatement ps = c.prepareStatement(INSERT_GROUP, Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, name);
                ps.setString(2, description);
                ps.executeUpdate();
                groupId = generatedId(ps);
            } catch (SQLException e) {
                if (Dialect.isDuplicateKey(e)) {
                    throw new NameTakenException("group name is taken: " + name);
                }
                throw e;
            }
            addMember(c, groupId, creatorId, Role.CREATOR);
            return groupId;
        });
    }

    /** Thread-safe. */
    @Override
    public Optional<Group> findGroup(long groupId) {
        return rows("findGroup", FIND_GROUP, groupId, rs -> new Group(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .stream().findFirst();
    }

    /** Thread-safe. INSERT IGNORE: an existing member (and its role) stays as it is. */
    @Override
    public boolean joinGroup(long groupId, long userId) {
        return sql.call("joinGroup", c -> {
            try {
                return addMember(c, groupId, userId, Role.NORMAL);
            } catch (SQLException e) {
                if (Dialect.isDuplicateKey(e)) {
                    return false; // H2: a concurrent join of the same user won
                }
                throw e;
            }
        });
    }

    /** Thread-safe. */
    @Override
    public boolean isMember(long groupId, long userId) {
        return sql.call("isMember", c -> {
            try (PreparedStatement ps = c.prepareStatement(IS_MEMBER)) {
                ps.setLong(1, groupId);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Thread-safe. */
    @Override
    public List<Long> groupMemberIds(long groupId) {
        return rows("groupMemberIds", MEMBER_IDS, groupId, rs -> rs.getLong(1));
    }

    /** Thread-safe: the ids of the groups the user belongs to, ascending (one indexed query). */
    public List<Long> groupIds(long userId) {
        return sql.call("groupIds", c -> {
            try (PreparedStatement ps = c.prepareStatement(GROUP_IDS)) {
                ps.setLong(1, userId);
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            }
        });
    }

    /** A user's acknowledged seq in a timeline (0: its inbox, else a group), as {@link #positions} reads it. */
    public record Position(long userId, long timeline, long acked) {
    }

    /**
     * Thread-safe: up to {@code limit} stored messages after {@code afterMsgno}, in msgno order;
     * with {@link #positions}, for moving messages to another store ({@link #forgetMessages}).
     */
    public List<StoredMessage> storedMessages(long afterMsgno, int limit) {
        MessageLimits.checkLimit(limit);
        return sql.call("storedMessages", c -> TimelineQueries.stored(c, afterMsgno, limit));
    }

    /** Thread-safe: every position past 0, inboxes first, each ordered by user and timeline. */
    public List<Position> positions() {
        return sql.call("positions", TimelineQueries::positions);
    }

    /** Thread-safe: deletes every stored message, the timelines' counters and positions. */
    public void forgetMessages() {
        sql.transaction("forgetMessages", c -> {
            TimelineQueries.forget(c);
            return null;
        });
    }

    /** Thread-safe. One query: the user's groups joined with all their members. */
    @Override
    public List<GroupWithMembers> groupsOf(long userId) {
        return sql.call("groupsOf", c -> {
            try (PreparedStatement ps = c.prepareStatement(GROUPS_OF)) {
                ps.setLong(1, userId);
                Map<Long, Group> groups = new TreeMap<>();
                Map<Long, List<Member>> members = new TreeMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long groupId = rs.getLong(1);
                        if (!groups.containsKey(groupId)) {
                            groups.put(groupId, new Group(groupId, rs.getString(2), rs.getString(3)));
                        }
                        members.computeIfAbsent(groupId, id -> new ArrayList<>())
                                .add(new Member(rs.getLong(4), rs.getString(5), Role.fromWire(rs.getString(6))));
                    }
                }
                return groups.values().stream().map(g -> new GroupWithMembers(g, members.get(g.id()))).toList();
            }
        });
    }

    /**
     * Thread-safe. One transaction of a handful of round trips, whatever the batch size (see
     * {@link Appender}); seqs stay gapless with any number of stores appending to one database. On
     * H2, one append at a time per database (see {@link AppendGate}).
     */
    @Override
    public List<Appended> append(List<NewMessage> messages) {
        List<NewMessage> checked = MessageLimits.check(messages);
        if (checked.isEmpty()) {
            return List.of();
        }
        return appending(() -> sql.transaction("append", c -> Appender.append(c, checked)));
    }

    /** Runs work that appends messages, holding the append gate on H2 (taken before any connection). */
    private <T> T appending(java.util.function.Supplier<T> work) {
        if (appendGate == null) {
            return work.get();
        }
        appendGate.lock();
        try {
            return work.get();
        } finally {
            appendGate.unlock();
        }
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> inbox(long userId, long afterSeq, int limit) {
        MessageLimits.checkLimit(limit);
        return sql.call("inbox", c -> TimelineQueries.after(c, 0, userId, afterSeq, limit));
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> groupMessages(long groupId, long afterSeq, int limit) {
        MessageLimits.checkLimit(limit);
        return sql.call("groupMessages", c -> TimelineQueries.after(c, groupId, 0, afterSeq, limit));
    }

    /** Thread-safe. */
    @Override
    public List<Cursor> cursors(long userId) {
        return sql.call("cursors", c -> TimelineQueries.cursors(c, userId));
    }

    /** Thread-safe: one UPDATE. */
    @Override
    public void ack(long userId, long timeline, long seq) {
        sql.call("ack", c -> {
            TimelineQueries.ack(c, userId, timeline, seq);
            return null;
        });
    }

    /** Thread-safe: one UPDATE. */
    @Override
    public void rewind(long userId, long timeline, long seq) {
        sql.call("rewind", c -> {
            TimelineQueries.rewind(c, userId, timeline, seq);
            return null;
        });
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> conversation(long a, long b, long beforeMsgno, int limit) {
        MessageLimits.checkLimit(limit);
        return sql.call("conversation", c -> TimelineQueries.conversation(c, a, b, beforeMsgno, limit));
    }

    /** Thread-safe. */
    @Override
    public List<StoredMessage> groupHistory(long groupId, long beforeMsgno, int limit) {
        MessageLimits.checkLimit(limit);
        return sql.call("groupHistory", c -> TimelineQueries.groupHistory(c, groupId, beforeMsgno, limit));
    }

    /** Thread-safe: one {@code SELECT 1} on a pooled connection, with a short query timeout. */
    @Override
    public void check() {
        sql.call("check", c -> {
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout(CHECK_TIMEOUT_SECONDS);
                s.execute("SELECT 1");
            }
            return null;
        });
    }

    /** Reads one row of a result set. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** A query whose one parameter is an id: every row read, in order. */
    private <T> List<T> rows(String op, String query, long id, Row<T> row) {
        return sql.call(op, c -> {
            try (PreparedStatement ps = c.prepareStatement(query)) {
                ps.setLong(1, id);
                List<T> result = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(row.read(rs));
                    }
                }
                return result;
            }
        });
    }

    /** Thread-safe, idempotent. */
    @Override
    public void close() {
        sql.close();
    }

    @Override
    public String toString() {
        return "JdbcStore[" + dialect + ", " + sql.safeUrl() + "]";
    }

    private static boolean addMember(Connection c, long groupId, long userId, Role role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ADD_MEMBER)) {
            ps.setLong(1, groupId);
            ps.setLong(2, userId);
            ps.setString(3, role.wire());
            ps.setLong(4, groupId);
            return ps.executeUpdate() == 1;
        }
    }

    private static long generatedId(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("the database returned no generated id");
            }
            return keys.getLong(1);
        }
    }

    private static void checkLength(String parameter, String value, int max) {
        Objects.requireNonNull(value, parameter);
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            throw new IllegalArgumentException(parameter + " cannot be longer than " + max + " characters: " + length);
        }
    }
}
