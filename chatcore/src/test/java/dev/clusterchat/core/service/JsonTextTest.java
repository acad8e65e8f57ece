package dev.clusterchat.core.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.clusterchat.core.testsupport.TrickyText;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest {
    @Test
    void replyShapedTreesComeOutAsGsonWritesThem() {
        JsonObject reply = new JsonObject();
        reply.addProperty("msgid", 12);
        reply.addProperty("errno", 0);
        reply.addProperty("msgno", Long.MAX_VALUE);
        reply.addProperty("dup", true);
        reply.addProperty("cmid", "c-1");
        reply.add("none", JsonNull.INSTANCE);
        reply.add("seq", JsonParser.parseString("12345678901234567890.50e3")); // a client's number, as parsed
        JsonArray list = new JsonArray();
        list.add(1);
        list.add("two");
        list.add(new JsonObject());
        list.add(new JsonArray());
        list.add(-0.5);
        list.add(new BigDecimal("1E+400"));
        list.add(BigInteger.TEN.pow(30));
        list.add(false);
        reply.add("list", list);
        assertSame(reply);
    }

    @Test
    void everyTrickyAndRandomStringComesOutAsGsonWritesIt() {
        Random random = new Random(7);
        JsonObject o = new JsonObject();
        for (String t : TrickyText.ALL) {
            o.addProperty(t, t);
        }
        for (int i = 0; i < 2000; i++) {
            char[] chars = new char[random.nextInt(30)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            String s = new String(chars);
            o.addProperty(s, s);
            assertSame(new JsonPrimitive(s));
        }
        assertSame(o);
    }

    @Test
    void randomTreesComeOutAsGsonWritesThem() {
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            assertSame(tree(random, 0));
        }
    }

    @Test
    void parsedRequestsComeBackAsTheyWereWritten() {
        for (String frame : List.of("{\"msgid\":6,\"seq\":\"abc\",\"to\":2,\"msg\":\"hi \\u00e9 \\ud83d\\ude00\"}",
                "{\"a\":[1,2.50,-3e-7,{\"b\":null}],\"c\":true}", "{}", "[]", "\"x\"", "1.0", "null")) {
            assertSame(JsonParser.parseString(frame));
        }
    }

    private static JsonElement tree(Random r, int depth) {
        int kind = depth > 3 ? r.nextInt(5) : r.nextInt(7);
        return switch (kind) {
            case 0 -> JsonNull.INSTANCE;
            case 1 -> new JsonPrimitive(r.nextBoolean());
            case 2 -> new JsonPrimitive(r.nextBoolean() ? r.nextLong() : r.nextInt(100));
            case 3 -> new JsonPrimitive(r.nextDouble() * (r.nextBoolean() ? 1e-9 : 1e12));
            case 4 -> new JsonPrimitive(TrickyText.ALL.get(r.nextInt(TrickyText.ALL.size())));
            case 5 -> {
                JsonObject o = new JsonObject();
                for (int i = r.nextInt(5); i > 0; i--) {
                    o.add("k" + r.nextInt(10), tree(r, depth + 1));
                }
                yield o;
            }
            default -> {
                JsonArray a = new JsonArray();
                for (int i = r.nextInt(5); i > 0; i--) {
                    a.add(tree(r, depth + 1));
                }
                yield a;
            }
        };
    }

    private static void assertSame(JsonElement e) {
        StringBuilder b = new StringBuilder();
        JsonText.write(b, e);
        assertThat(b.toString()).isEqualTo(e.toString());
        assertThat(JsonText.encode(e)).isEqualTo(e.toString().getBytes(StandardCharsets.UTF_8));
    }
}
