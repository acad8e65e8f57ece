package dev.clusterchat.core.net;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Whole frames back out of an output buffer after any sequence of partial writes, without sockets. */
class UnsentFramesTest {

    @Test
    void everySplitOfEveryWriteGivesBackExactlyTheFramesNotReceivedWhole() {
        Random random = new Random(7);
        for (int run = 0; run < 2_000; run++) {
            byte terminator = random.nextBoolean() ? (byte) '\n' : 0;
            Buffer out = new Buffer(64); // small: appends between writes compact and grow it
            List<String> sent = new ArrayList<>();
            StringBuilder received = new StringBuilder();
            byte[] head = null;
            int next = 0;
            for (int step = 0; step < 1 + random.nextInt(12); step++) {
                for (int k = random.nextInt(4); k > 0; k--) { // queue some frames
                    String f = next++ + ":" + "p".repeat(random.nextInt(90));
                    sent.add(f);
                    out.append(f.getBytes(StandardCharsets.UTF_8));
                    out.append(terminator);
                }
                if (out.isEmpty()) {
                    continue;
                }
                int n = random.nextInt(out.readableBytes() + 1); // a write that stops anywhere, even at 0
                received.append(new String(out.array(), out.readerIndex(), n, StandardCharsets.ISO_8859_1));
                out.skip(n);
                head = out.isEmpty() ? null : UnsentFrames.headAfterWrite(head, out, n);
            }
            List<String> whole = wholeFrames(received.toString(), terminator);
            List<String> back = new ArrayList<>();
            if (!out.isEmpty()) {
                UnsentFrames.split(head, out).forEach(f -> back.add(new String(f, StandardCharsets.UTF_8)));
            }
            List<String> all = new ArrayList<>(whole);
            all.addAll(back);
            assertThat(all).as("run " + run + ": received whole, then given back, is everything sent, once, in order")
                    .isEqualTo(sent);
        }
    }

    private static List<String> wholeFrames(String bytes, byte terminator) {
        List<String> frames = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length(); i++) {
            if (bytes.charAt(i) == (char) (terminator & 0xff)) {
                frames.add(bytes.substring(start, i));
                start = i + 1;
            }
        }
        return frames; // what follows the last terminator was cut: the peer drops it
    }
}
