package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clusterchat.chatctl.Chatctl;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs chatctl in-process with captured stdout and stderr, for the bench tests. */
record BenchRun(int exit, String out, String err) {
    /** stdout as the one JSON object --json prints. */
    JsonObject json() {
        return JsonParser.parseString(out.strip()).getAsJsonObject();
    }

    static BenchRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Chatctl(new ByteArrayInputStream(new byte[0]), Map.of()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new BenchRun(exit, out.toString(), err.toString());
    }
}
