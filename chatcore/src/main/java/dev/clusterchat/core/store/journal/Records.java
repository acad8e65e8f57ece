package dev.clusterchat.core.store.journal;

import dev.clusterchat.core.store.StoredMessage;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The journal's record format, and a buffer that collects one batch of records for a single write.
 * <pre>
 *   record  = length:int  crc32c(body):int  body            (length = bytes of body)
 *   body    = MESSAGE msgno seq senderId toId groupId stime:long  senderName cmid text time:string
 *           | ACK | REWIND | START  userId timeline seq:long   (a cursor change; timeline 0 = inbox)
 *           | COMMIT                                          (ends a batch: replay applies whole batches)
 *   string  = length:int (-1 for null)  UTF-8 bytes
 * </pre>
 * Big-endian, as {@link ByteBuffer} writes it. Not thread-safe: one batch belongs to one thread.
 */
final class Records {
    static final byte MESSAGE = 1;
    static final byte ACK = 2;
    static final byte REWIND = 3;
    static final byte START = 4;
    static final byte COMMIT = 9;
    static final int HEADER = 8;
    /** The longest body a reader accepts: a message of the longest text, and then some. */
    static final int MAX_BODY = 64 << 20;

    /** A cursor change as journaled: {@link #ACK} moves forward, {@link #REWIND} back, {@link #START} sets (a member joined). */
    record CursorChange(byte kind, long userId, long timeline, long seq) {
    }

    private static final int INITIAL = 64 * 1024;
    private static final int SHRINK_ABOVE = 1 << 20;

    private ByteBuffer buf = ByteBuffer.allocate(INITIAL);
    private int bodyStart = -1;
    private final CRC32C crc = new CRC32C();

    /** Appends a stored message. */
    Records message(StoredMessage m) {
        begin(MESSAGE);
        ensure(6 * Long.BYTES);
        buf.putLong(m.msgno()).putLong(m.seq()).putLong(m.senderId()).putLong(m.toId()).putLong(m.groupId())
                .putLong(m.stime());
        string(m.senderName());
        string(m.cmid());
        string(m.text());
        string(m.time());
        return end();
    }

    /** Appends a cursor change. */
    Records cursor(CursorChange change) {
        begin(change.kind());
        ensure(3 * Long.BYTES);
        buf.putLong(change.userId()).putLong(change.timeline()).putLong(change.seq());
        return end();
    }

    /** Appends the record that ends the batch. */
    Records commit() {
        begin(COMMIT);
        return end();
    }

    /** The records collected so far, ready to write; the buffer is reused after {@link #clear()}. */
    ByteBuffer bytes() {
        return ByteBuffer.wrap(buf.array(), 0, buf.position());
    }

    /** A copy of the records collected so far. */
    byte[] toArray() {
        return java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    /** Empties the buffer, giving back the memory a very large batch took. */
    void clear() {
        if (buf.capacity() > SHRINK_ABOVE) {
            buf = ByteBuffer.allocate(INITIAL);
        }
        buf.clear();
    }

    private void begin(byte kind) {
        ensure(HEADER + 1);
        buf.position(buf.position() + HEADER);
        bodyStart = buf.position();
        buf.put(kind);
    }

    private Records end() {
        int length = buf.position() - bodyStart;
        crc.reset();
        crc.update(buf.array(), bodyStart, length);
        buf.putInt(bodyStart - HEADER, length).putInt(bodyStart - HEADER + 4, (int) crc.getValue());
        return this;
    }

    private void string(String s) {
        if (s == null) {
            ensure(Integer.BYTES);
            buf.putInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        ensure(Integer.BYTES + bytes.length);
        buf.putInt(bytes.length).put(bytes);
    }

    private void ensure(int more) {
        if (buf.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more));
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    /** True if {@code body} (from after the header) matches the header's checksum. */
    static boolean intact(ByteBuffer body, int expectedCrc) {
        CRC32C c = new CRC32C();
        c.update(body.duplicate());
        return (int) c.getValue() == expectedCrc;
    }

    /** The message in a {@link #MESSAGE} body whose kind byte was read. */
    static StoredMessage readMessage(ByteBuffer body) {
        long msgno = body.getLong();
        long seq = body.getLong();
        long senderId = body.getLong();
        long toId = body.getLong();
        long groupId = body.getLong();
        long stime = body.getLong();
        String senderName = readString(body);
        String cmid = readString(body);
        String text = readString(body);
        String time = readString(body);
        return new StoredMessage(msgno, seq, senderId, senderName, toId, groupId, cmid, text, time, stime);
    }

    /** The cursor change in an ACK, REWIND or START body whose kind byte was read. */
    static CursorChange readCursor(byte kind, ByteBuffer body) {
        return new CursorChange(kind, body.getLong(), body.getLong(), body.getLong());
    }

    private static String readString(ByteBuffer body) {
        int length = body.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > body.remaining()) {
            throw new BufferUnderflowException();
        }
        String s = new String(body.array(), body.arrayOffset() + body.position(), length, StandardCharsets.UTF_8);
        body.position(body.position() + length);
        return s;
    }
}
