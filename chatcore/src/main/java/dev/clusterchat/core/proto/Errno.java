package dev.clusterchat.core.proto;

/** Error numbers carried in a reply's {@code errno}; 1 and 2 keep the seed's meaning and text. */
public enum Errno {
    OK(0, ""),
    AUTH_FAILED(1, "id or password is invalid!"),
    ACCOUNT_IN_USE(2, "this account is using, input another!"),
    NAME_TAKEN(3, "name is already taken"),
    INVALID_REQUEST(4, "invalid request"),
    NOT_LOGGED_IN(5, "not logged in"),
    NO_SUCH_USER(6, "no such user"),
    NO_SUCH_GROUP(7, "no such group"),
    NOT_A_MEMBER(8, "not a member of this group"),
    BAD_JSON(9, "malformed JSON"),
    UNKNOWN_MSGID(10, "unknown msgid"),
    FRAME_TOO_LONG(11, "frame too long"),
    INVALID_UTF8(12, "frame is not valid UTF-8"),
    SERVER_ERROR(13, "server error, try again later"),
    BUSY(14, "too many requests in flight, slow down"),
    ALREADY_LOGGED_IN(15, "already logged in on this connection, log out first"),
    RATE_LIMITED(16, "too many requests per second, slow down"),
    LOGIN_THROTTLED(17, "too many failed logins, try again later"),
    SERVER_FULL(18, "server is full, try again later"),
    FRAME_TIMEOUT(19, "frame not completed in time"),
    LOGIN_TIMEOUT(20, "not logged in in time");

    private final int code;
    private final String message;

    Errno(int code, String message) {
        this.code = code;
        this.message = message;
    }

    public int code() {
        return code;
    }

    /** The default errmsg. */
    public String message() {
        return message;
    }
}
