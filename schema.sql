-- clusterchat schema for MariaDB (10.2 or later), the seed ChatServer's table names.
-- Idempotent: every statement may run again on a database that already has it.
-- chatcore's JdbcStore applies this very file; the embedded H2 store applies it too (MODE=MariaDB).
-- After it, JdbcStore moves the rows of an earlier release's table offlinemessage (if there is one)
-- into the recipients' inboxes, then drops that table (store/jdbc/OfflineMigration.java).
--
-- Character set utf8mb4 everywhere, so names and messages keep 4-byte UTF-8 (emoji).
-- Collation utf8mb4_nopad_bin: names compare by code point and trailing spaces count, so the
-- unique indexes agree with the in-memory and H2 stores ("Bob", "bob" and "bob " are three users).
-- `user` is a reserved word in H2 and a keyword in MariaDB: it is always quoted with backticks.

CREATE TABLE IF NOT EXISTS `user` (
    id                  BIGINT         NOT NULL AUTO_INCREMENT,
    name                VARCHAR(50)    NOT NULL,
    password_algorithm  VARCHAR(64)    NOT NULL,
    password_iterations INT            NOT NULL,
    password_salt       VARBINARY(255) NOT NULL,
    password_hash       VARBINARY(255) NOT NULL,
    created_at          DATETIME       NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY uk_user_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Both directions are stored: (a, b) and (b, a).
CREATE TABLE IF NOT EXISTS friend (
    userid   BIGINT NOT NULL,
    friendid BIGINT NOT NULL,
    PRIMARY KEY (userid, friendid),
    KEY idx_friend_friendid (friendid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS allgroup (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    groupname  VARCHAR(50)  NOT NULL,
    groupdesc  VARCHAR(200) NOT NULL DEFAULT '',
    created_at DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY uk_allgroup_groupname (groupname)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- acked: the last seq of the group's messages the member acknowledged (see groupseq). A member
-- starts at the group's last seq when it joins, the creator at 0.
CREATE TABLE IF NOT EXISTS groupuser (
    groupid   BIGINT                    NOT NULL,
    userid    BIGINT                    NOT NULL,
    grouprole ENUM('creator', 'normal') NOT NULL DEFAULT 'normal',
    acked     BIGINT                    NOT NULL DEFAULT 0,
    PRIMARY KEY (groupid, userid),
    KEY idx_groupuser_userid (userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- For databases made before reliable delivery: their members start at 0, as no group had a message.
ALTER TABLE groupuser ADD COLUMN IF NOT EXISTS acked BIGINT NOT NULL DEFAULT 0;

-- Reliable delivery (docs/PROTOCOL.md): every chat message, stored before anyone hears of it.
-- msgno: global, increasing in the order messages were stored. Each message is in one timeline:
-- the recipient's inbox (toid set, groupid NULL) or a group (groupid set, toid NULL), at seq
-- 1, 2, 3, ... there (NULL in the unused column keeps the two unique keys apart). cmid: the
-- sender's idempotency key, stored once per sender. ctime: the client's time string; stime: the
-- server's time of storing, milliseconds since the epoch.
CREATE TABLE IF NOT EXISTS message (
    msgno      BIGINT      NOT NULL AUTO_INCREMENT,
    seq        BIGINT      NOT NULL,
    senderid   BIGINT      NOT NULL,
    sendername VARCHAR(50) NOT NULL,
    toid       BIGINT      NULL,
    groupid    BIGINT      NULL,
    cmid       VARCHAR(64) NULL,
    body       MEDIUMTEXT  NOT NULL,
    ctime      VARCHAR(64) NULL,
    stime      BIGINT      NOT NULL,
    PRIMARY KEY (msgno),
    UNIQUE KEY uk_message_inbox (toid, seq),
    UNIQUE KEY uk_message_group (groupid, seq),
    UNIQUE KEY uk_message_cmid (senderid, cmid),
    KEY idx_message_conversation (toid, senderid, msgno),
    KEY idx_message_group_history (groupid, msgno)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Each user's inbox: lastseq is the seq of its last one-to-one message (appends take the next
-- ones under this row's lock, so seqs stay gapless across nodes); acked is the last seq the user
-- acknowledged. A row appears with the user's first message.
CREATE TABLE IF NOT EXISTS inbox (
    userid  BIGINT NOT NULL,
    lastseq BIGINT NOT NULL DEFAULT 0,
    acked   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Each group's last seq, taken as inbox.lastseq is; a row appears with the group's first message.
-- Members' positions are groupuser.acked.
CREATE TABLE IF NOT EXISTS groupseq (
    groupid BIGINT NOT NULL,
    lastseq BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (groupid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
