package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The seed client's command syntax ({@code chat:friendid:message}, ...) plus login, register and
 * quit, run one line at a time on a connection. Errors print one line and the shell goes on; a
 * lost connection ends it.
 *
 * <p>Thread safety: not thread-safe; the shell's main thread only.
 */
final class ShellInterpreter {
    static final List<String> HELP = List.of(
            "help                             show this list",
            "login:id:password                log in",
            "register:name:password           create an account",
            "chat:friendid:message            send a message to one user",
            "addfriend:friendid               add a friend",
            "creategroup:groupname:groupdesc  create a group (groupdesc optional)",
            "addgroup:groupid                 join a group",
            "groupchat:groupid:message        send a message to a group",
            "loginout                         log out",
            "sync                             fetch and acknowledge new messages (shell --ack)",
            "sync:all                         the same from the oldest message still stored",
            "history:userid[:before]          past messages with a user, newest first",
            "grouphistory:groupid[:before]    past messages of a group, newest first",
            "quit                             leave the shell");

    private final ChatConnection conn;
    private final Output out;
    private final Duration timeout;
    private final Receiver receiver;
    private long self;
    private int failures;

    /** @param receiver for logins with "ack":true (shell --ack); null for plain ones */
    ShellInterpreter(ChatConnection conn, Output out, Duration timeout, Receiver receiver) {
        this.conn = conn;
        this.out = out;
        this.timeout = timeout;
        this.receiver = receiver;
    }

    /** Commands that failed so far (error replies, unknown commands, bad arguments, timeouts). */
    int failures() {
        return failures;
    }

    /** Logs in and prints the account (and, with ack, syncs); throws on failure. */
    void login(long id, String password) {
        JsonObject reply = request(receiver != null ? Requests.ackLogin(id, password) : Requests.login(id, password),
                "login");
        self = id;
        out.lines(Formats.login(reply));
        if (receiver != null) {
            receiver.start(conn, id, reply);
            sync(false);
        }
    }

    /** Before leaving: waits for the acknowledgement of what was shown last (with ack). */
    void finish() {
        if (receiver != null && receiver.started()) {
            receiver.flush(timeout);
        }
    }

    /** Prints (and acknowledges) what is after the positions, or everything still stored. */
    private void sync(boolean all) {
        if (receiver == null || !receiver.started()) {
            throw new ChatctlException(ExitCodes.USAGE, receiver == null
                    ? "sync needs an acknowledging login: start the shell with --ack" : "not logged in");
        }
        if (all) {
            receiver.rewind();
        }
        int before = receiver.shown();
        receiver.sync(SyncCommand.DEFAULT_LIMIT, timeout);
        out.line("synced " + Formats.messages(receiver.shown() - before) + ", at " + receiver.positions());
    }

    /** One page of history (history:userid[:before], grouphistory:groupid[:before]); says how to ask for the next. */
    private void history(String verb, String rest) {
        boolean group = verb.equals("grouphistory");
        String[] a = rest == null ? new String[0] : rest.split(":", -1);
        if (a.length < 1 || a.length > 2 || a[0].isBlank()) {
            throw new ChatctlException(ExitCodes.USAGE, "usage: " + verb + (group ? ":groupid" : ":userid") + "[:before]");
        }
        long of = id(a[0], group ? "groupid" : "userid");
        long before = a.length == 2 ? id(a[1], "before") : 0;
        long next = History.read(conn, timeout, group ? "groupid" : "peer", of, before, History.DEFAULT_LIMIT, 1, m -> {
            out.line(Formats.message(m, self));
            return true;
        });
        if (next > 0) {
            out.line("more: " + verb + ":" + of + ":" + next);
        }
    }

    /** Runs one line; false if it asks to quit. Throws only if the connection is lost. */
    boolean run(String line) {
        String text = line.strip();
        if (text.isEmpty()) {
            return true;
        }
        int colon = text.indexOf(':');
        String verb = colon < 0 ? text : text.substring(0, colon);
        String rest = colon < 0 ? null : text.substring(colon + 1);
        try {
            switch (verb) {
                case "quit", "exit" -> {
                    return false;
                }
                case "help" -> HELP.forEach(out::note);
                case "login" -> {
                    String[] a = args(rest, "login:id:password");
                    login(id(a[0], "id"), a[1]);
                }
                case "register" -> {
                    String[] a = args(rest, "register:name:password");
                    print(Requests.register(a[0], a[1]), verb);
                }
                case "chat" -> {
                    String[] a = args(rest, "chat:friendid:message");
                    print(Requests.chat(id(a[0], "friendid"), a[1], UUID.randomUUID().toString()), verb);
                }
                case "addfriend" -> print(Requests.addFriend(id(arg(rest, "addfriend:friendid"), "friendid")), verb);
                case "creategroup" -> {
                    String r = arg(rest, "creategroup:groupname:groupdesc");
                    int c = r.indexOf(':');
                    print(c < 0 ? Requests.createGroup(r, "")
                            : Requests.createGroup(r.substring(0, c), r.substring(c + 1)), verb);
                }
                case "addgroup" -> print(Requests.joinGroup(id(arg(rest, "addgroup:groupid"), "groupid")), verb);
                case "groupchat" -> {
                    String[] a = args(rest, "groupchat:groupid:message");
                    print(Requests.groupChat(id(a[0], "groupid"), a[1], UUID.randomUUID().toString()), verb);
                }
                case "loginout", "logout" -> {
                    print(Requests.logout(), "loginout");
                    if (receiver != null) {
                        receiver.stop();
                    }
                }
                case "sync" -> sync(syncAll(rest));
                case "history", "grouphistory" -> history(verb, rest);
                default -> throw new ChatctlException(ExitCodes.USAGE, "unknown command '" + verb + "'; type help");
            }
        } catch (ChatctlException e) {
            if (e.exitCode() == ExitCodes.UNREACHABLE) {
                throw e;
            }
            out.error(e.getMessage());
            failures++;
        }
        return true;
    }

    private void print(JsonObject request, String what) {
        out.line(Formats.reply(request, request(request, what)));
    }

    private JsonObject request(JsonObject request, String what) {
        return ChatctlException.requireOk(conn.call(request, timeout, what), what);
    }

    /** "a:b..." as {"a", "b..."}: the second part may itself hold colons. */
    private static String[] args(String rest, String usage) {
        int c = rest == null ? -1 : rest.indexOf(':');
        if (c <= 0 || c == rest.length() - 1) {
            throw new ChatctlException(ExitCodes.USAGE, "usage: " + usage);
        }
        return new String[] {rest.substring(0, c), rest.substring(c + 1)};
    }

    private static boolean syncAll(String rest) {
        if (rest != null && !rest.equals("all")) {
            throw new ChatctlException(ExitCodes.USAGE, "usage: sync or sync:all");
        }
        return rest != null;
    }

    private static String arg(String rest, String usage) {
        if (rest == null || rest.isEmpty()) {
            throw new ChatctlException(ExitCodes.USAGE, "usage: " + usage);
        }
        return rest;
    }

    private static long id(String s, String name) {
        try {
            long v = Long.parseLong(s.strip());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ChatctlException(ExitCodes.USAGE, name + " must be a positive integer: '" + s + "'");
    }
}
