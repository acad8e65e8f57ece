package dev.clusterchat.chatctl;

import com.google.gson.JsonObject;

import java.io.PrintWriter;
import java.util.List;

/**
 * Where chatctl writes. With --json, stdout carries only frames, one JSON line each; otherwise
 * readable lines. Errors go to stderr as one line. Thread-safe: each call prints whole lines and
 * flushes (the reader thread prints messages while the main thread prints replies).
 */
final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    /** A readable line on stdout; nothing with --json. */
    void line(String s) {
        if (!json) {
            println(out, s);
        }
    }

    void lines(List<String> lines) {
        if (!json) {
            synchronized (out) {
                lines.forEach(out::println);
                out.flush();
            }
        }
    }

    /** A frame exactly as received, on one line. */
    void frame(Frame f) {
        println(out, f.text());
    }

    /** An incoming chat message: its JSON with --json, else "[time] name(id) -> you: msg". */
    void message(JsonObject m) {
        println(out, json ? m.toString() : Formats.message(m));
    }

    /** A message of a history, where some are {@code self}'s own: its JSON with --json, else readable. */
    void message(JsonObject m, long self) {
        println(out, json ? m.toString() : Formats.message(m, self));
    }

    /** Sink for one-shot commands and the shell: --json prints every frame; otherwise only what was not asked for. */
    void echo(Frame f) {
        if (json) {
            frame(f);
        } else if (!f.reply()) {
            println(out, f.json() != null ? Formats.message(f.json()) : f.text());
        }
    }

    /** Sink for listen: only frames that answer nothing (messages), as JSON or readable. */
    void incoming(Frame f) {
        if (!f.reply()) {
            println(out, json || f.json() == null ? f.text() : Formats.message(f.json()));
        }
    }

    /** For a person (status, prompts, help): stdout, or stderr with --json. */
    void note(String s) {
        println(json ? err : out, s);
    }

    /** A status line on stderr, so stdout keeps only what the server sent. */
    void status(String s) {
        println(err, s);
    }

    /** One error line on stderr: "chatctl: " + message. */
    void error(String message) {
        println(err, "chatctl: " + message);
    }

    private static void println(PrintWriter w, String s) {
        synchronized (w) {
            w.println(s);
            w.flush();
        }
    }
}
