package dev.clusterchat.chatctl;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into UTF-8 frames ended by LF or NUL (protocol v1 and the legacy dialect).
 * A CR before the terminator is dropped and empty frames are skipped. Not thread-safe: one reader.
 */
final class FrameReader {
    private final InputStream in;
    private final int maxFrameLength;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream(256);

    FrameReader(InputStream in, int maxFrameLength) {
        this.in = new BufferedInputStream(in);
        this.maxFrameLength = maxFrameLength;
    }

    /** The next frame's text, or null at the end of the stream (a partial last frame is dropped). */
    String next() throws IOException {
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n' || b == 0) {
                String text = frame.toString(StandardCharsets.UTF_8);
                frame.reset();
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (!text.isEmpty()) {
                    return text;
                }
            } else if (frame.size() == maxFrameLength) {
                throw new IOException("frame from the server longer than " + maxFrameLength + " bytes");
            } else {
                frame.write(b);
            }
        }
    }
}
