package dev.clusterchat.core.proto;

/**
 * Message type numbers. 1 to 10 are the seed protocol's and never change; 11 and up are this
 * project's (replies the seed never sent, errors, heartbeat, reliable delivery). See docs/PROTOCOL.md.
 */
public final class MsgId {
    public static final int LOGIN = 1;
    public static final int LOGIN_ACK = 2;
    public static final int LOGOUT = 3;
    public static final int REG = 4;
    public static final int REG_ACK = 5;
    public static final int ONE_CHAT = 6;
    public static final int ADD_FRIEND = 7;
    public static final int CREATE_GROUP = 8;
    public static final int ADD_GROUP = 9;
    public static final int GROUP_CHAT = 10;

    public static final int LOGOUT_ACK = 11;
    public static final int ONE_CHAT_ACK = 12;
    public static final int ADD_FRIEND_ACK = 13;
    public static final int CREATE_GROUP_ACK = 14;
    public static final int ADD_GROUP_ACK = 15;
    public static final int GROUP_CHAT_ACK = 16;
    /** The reply to a frame that names no usable request: bad JSON, no msgid, unknown msgid, bad frame. */
    public static final int ERROR = 17;
    public static final int PING = 18;
    public static final int PONG = 19;
    /** Fetch undelivered messages after given positions (reliable delivery). */
    public static final int SYNC = 20;
    public static final int SYNC_ACK = 21;
    /** Acknowledge delivery up to given positions. */
    public static final int DELIVERED = 22;
    public static final int DELIVERED_ACK = 23;
    /** Past messages of a conversation or a group. */
    public static final int HISTORY = 24;
    public static final int HISTORY_ACK = 25;

    private MsgId() {
    }

    /** The msgid of the reply to a request, or {@link #ERROR} for ids that are not requests. */
    public static int replyTo(int request) {
        return switch (request) {
            case LOGIN -> LOGIN_ACK;
            case LOGOUT -> LOGOUT_ACK;
            case REG -> REG_ACK;
            case ONE_CHAT -> ONE_CHAT_ACK;
            case ADD_FRIEND -> ADD_FRIEND_ACK;
            case CREATE_GROUP -> CREATE_GROUP_ACK;
            case ADD_GROUP -> ADD_GROUP_ACK;
            case GROUP_CHAT -> GROUP_CHAT_ACK;
            case PING -> PONG;
            case SYNC -> SYNC_ACK;
            case DELIVERED -> DELIVERED_ACK;
            case HISTORY -> HISTORY_ACK;
            default -> ERROR;
        };
    }

    /** Whether this is a seed request the seed server never answered (3, 6, 7, 8, 9, 10). */
    public static boolean seedSilent(int request) {
        return request == LOGOUT || request == ONE_CHAT || request == ADD_FRIEND || request == CREATE_GROUP
                || request == ADD_GROUP || request == GROUP_CHAT;
    }
}
