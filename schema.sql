-- clusterchat schema for MariaDB (10.2 or later), the seed ChatServer's table names.
-- Idempotent: every statement may run again on a database that already has it.
-- chatcore's JdbcStore applies this very file; the embedded H2 store applies it too (MODE=MariaDB).
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

CREATE TABLE IF NOT EXISTS groupuser (
    groupid   BIGINT                    NOT NULL,
    userid    BIGINT                    NOT NULL,
    grouprole ENUM('creator', 'normal') NOT NULL DEFAULT 'normal',
    PRIMARY KEY (groupid, userid),
    KEY idx_groupuser_userid (userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- The auto-increment id keeps the order in which messages were stored.
CREATE TABLE IF NOT EXISTS offlinemessage (
    id         BIGINT     NOT NULL AUTO_INCREMENT,
    userid     BIGINT     NOT NULL,
    message    MEDIUMTEXT NOT NULL,
    created_at DATETIME   NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    KEY idx_offlinemessage_userid (userid, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
