package dev.clusterchat.chatctl.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameTest {
    @Test
    void readsWhatTheTreeSays() {
        List<String> frames = List.of(
                "{\"msgid\":7,\"errno\":0,\"msgno\":12,\"useq\":3,\"stime\":1795485952773,\"seq\":41}",
                "{\"msgid\":5,\"id\":1,\"name\":\"a\\\"b\",\"toid\":2,\"msg\":\"17 123456789 xxx\",\"time\":\"t\",\"msgno\":1}",
                "{\"msgid\":0,\"errno\":3,\"errmsg\":\"malformed JSON: x\",\"seq\":\"9\"}",
                "{\"msgid\":5,\"msg\":\"caf\\u00e9 \\ud83d\\ude00 \\\\ \\\" \\n\",\"seq\":null}",
                " { \"seq\" : 7.0 , \"errno\" : null , \"msg\" : 5 , \"x\" : { \"seq\" : 99, \"msg\" : \"inner\" } } ",
                "{\"a\":[1,{\"b\":\"]}\\\"\"},[]],\"seq\":1e3,\"msg\":\"}\"}",
                "{\"offlinemsg\":[{\"msg\":\"m\",\"seq\":2}],\"errno\":14}",
                "{}");
        for (String text : frames) {
            assertMatchesTree(text);
        }
    }

    @Test
    void readsRandomServerLikeFramesAsTheTreeDoes() {
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            JsonObject o = new JsonObject();
            o.addProperty("msgid", r.nextInt(30));
            if (r.nextBoolean()) {
                o.addProperty("errno", r.nextInt(20));
            }
            char[] chars = new char[r.nextInt(20)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = (char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0xd800));
            }
            o.addProperty("msg", new String(chars));
            if (r.nextBoolean()) {
                o.addProperty("seq", r.nextLong());
            }
            JsonObject nested = new JsonObject();
            nested.addProperty("seq", "x");
            o.add("inner", nested);
            assertMatchesTree(o.toString());
        }
    }

    @Test
    void malformedFramesAreRefused() {
        for (String bad : List.of("", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":\"x}", "{\"a\":1} x",
                "{\"a\":[1,2}", "{\"a\":1:2}", "{\"a\":tru}", "{\"a\":01}", "{\"a\":1.}", "{\"msg\":\"\\q\"}",
                "{\"seq\":\"\\u12\"}")) {
            assertThatThrownBy(() -> Frame.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static void assertMatchesTree(String text) {
        JsonObject tree = JsonParser.parseString(text).getAsJsonObject();
        Frame f = Frame.parse(text);
        JsonElement seq = tree.get("seq");
        boolean hasSeq = seq != null && seq.isJsonPrimitive();
        assertThat(f.hasSeq()).as(text).isEqualTo(hasSeq);
        if (hasSeq) {
            assertThat(f.seq()).as(text).isEqualTo(seq.getAsLong());
        }
        JsonElement errno = tree.get("errno");
        assertThat(f.errno()).as(text).isEqualTo(errno == null || errno.isJsonNull() ? 0 : errno.getAsInt());
        JsonElement msg = tree.get("msg");
        assertThat(f.msg()).as(text).isEqualTo(msg != null && msg.isJsonPrimitive() && msg.getAsJsonPrimitive().isString()
                ? msg.getAsString() : null);
        assertThat(f.json()).isEqualTo(tree);
    }
}
