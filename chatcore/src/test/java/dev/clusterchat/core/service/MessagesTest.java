package dev.clusterchat.core.service;

import dev.clusterchat.core.store.StoredMessage;
import dev.clusterchat.core.testsupport.TrickyText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class MessagesTest {
    private static StoredMessage direct(String name, String text, String time) {
        return new StoredMessage(12, 3, 7, name, 9, 0, "c", text, time, 1_795_485_952_773L);
    }

    private static StoredMessage group(String name, String text) {
        return new StoredMessage(13, 4, 7, name, 0, 5, null, text, null, 1_795_485_952_773L);
    }

    @Test
    void theDirectEncodingIsGsonsCharacterForCharacter() {
        List<String> texts = new ArrayList<>(TrickyText.ALL);
        texts.add("");
        texts.add("\u0000\u0001\u001f\u007f\b\t\n\f\r\"\\/<>&='\u2028\u2029\ud83d\ude00\ud800 lone \udfff");
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            char[] chars = new char[random.nextInt(40)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            texts.add(new String(chars));
        }
        for (String t : texts) {
            for (StoredMessage m : List.of(direct(t.length() > 50 ? "n" : t, t, "2026-11-24 10:00:00"), group("g", t),
                    direct("n", "x", t))) {
                assertThat(Messages.encode(m)).as("%s", m).isEqualTo(Messages.toJson(m).toString());
            }
        }
    }

    @Test
    void aMessageWithoutAClientTimeShowsTheServersTimeOfStoring() {
        StoredMessage m = group("g", "hi");
        String first = Messages.encode(m);
        assertThat(first).contains("\"time\":\"20").isEqualTo(Messages.toJson(m).toString());
        assertThat(Messages.encode(new StoredMessage(14, 5, 7, "g", 0, 5, null, "later", null, m.stime() + 86_400_000L)))
                .doesNotContain(first.substring(first.indexOf("\"time\""), first.indexOf("\"time\"") + 20));
    }
}
