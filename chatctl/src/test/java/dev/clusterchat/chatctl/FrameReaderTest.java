package dev.clusterchat.chatctl;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameReaderTest {

    private static List<String> frames(byte[] bytes, int max) throws IOException {
        FrameReader r = new FrameReader(new ByteArrayInputStream(bytes), max);
        List<String> out = new ArrayList<>();
        for (String f = r.next(); f != null; f = r.next()) {
            out.add(f);
        }
        return out;
    }

    @Test
    void splitsOnLfAndNulDropsCrAndSkipsEmptyFrames() throws IOException {
        byte[] in = "{\"a\":1}\n{\"b\":2}\0\r\n\n{\"c\":\"é中\"}\r\n{\"partial\"".getBytes(StandardCharsets.UTF_8);
        assertThat(frames(in, 1024)).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":\"é中\"}");
    }

    @Test
    void refusesAFrameLongerThanTheMaximum() {
        byte[] in = "0123456789\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> frames(in, 5)).isInstanceOf(IOException.class).hasMessageContaining("longer than 5 bytes");
    }
}
