package dev.clusterchat.core.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferTest {

    private static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }

    @Test
    void rejectsANonPositiveCapacity() {
        assertThatThrownBy(() -> new Buffer(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialCapacity");
    }

    @Test
    void appendAndSkipMoveTheIndexes() {
        Buffer b = new Buffer(16);
        assertThat(b.isEmpty()).isTrue();
        b.append(ascii("hello"));
        b.append((byte) '!');
        assertThat(b.readableBytes()).isEqualTo(6);
        assertThat(b.readerIndex()).isZero();
        assertThat(b.writerIndex()).isEqualTo(6);

        b.skip(2);
        assertThat(b.readerIndex()).isEqualTo(2);
        assertThat(b.readableCopy()).isEqualTo(ascii("llo!"));
        assertThat(new String(b.array(), b.readerIndex(), b.readableBytes(), US_ASCII)).isEqualTo("llo!");
    }

    @Test
    void skippingEverythingResetsBothIndexes() {
        Buffer b = new Buffer(16);
        b.append(ascii("abcdef"));
        b.skip(6);
        assertThat(b.isEmpty()).isTrue();
        assertThat(b.readerIndex()).isZero();
        assertThat(b.writerIndex()).isZero();
    }

    @Test
    void skipRejectsNegativeAndTooMany() {
        Buffer b = new Buffer(8);
        b.append(ascii("abc"));
        assertThatThrownBy(() -> b.skip(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.skip(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(b.readableCopy()).isEqualTo(ascii("abc"));
    }

    @Test
    void clearEmptiesTheBuffer() {
        Buffer b = new Buffer(8);
        b.append(ascii("abc"));
        b.skip(1);
        b.clear();
        assertThat(b.isEmpty()).isTrue();
        assertThat(b.readerIndex()).isZero();
        assertThat(b.writerIndex()).isZero();
    }

    @Test
    void ensureWritableDoesNothingWhenThereIsRoom() {
        Buffer b = new Buffer(16);
        b.append(ascii("abcd"));
        b.skip(2);
        byte[] before = b.array();
        b.ensureWritable(12);
        assertThat(b.array()).isSameAs(before);
        assertThat(b.readerIndex()).isEqualTo(2);
        assertThat(b.writerIndex()).isEqualTo(4);
    }

    @Test
    void ensureWritableCompactsBeforeGrowing() {
        Buffer b = new Buffer(16);
        b.append(ascii("0123456789ab"));
        b.skip(8); // r=8 w=12: 4 readable, 4 writable at the end, 8 discardable in front
        byte[] before = b.array();

        b.ensureWritable(10);

        assertThat(b.array()).as("compacted in place, not grown").isSameAs(before);
        assertThat(b.capacity()).isEqualTo(16);
        assertThat(b.readerIndex()).isZero();
        assertThat(b.writerIndex()).isEqualTo(4);
        assertThat(b.readableCopy()).isEqualTo(ascii("89ab"));
        b.append(ascii("cdefghijkl"));
        assertThat(b.readableCopy()).isEqualTo(ascii("89abcdefghijkl"));
    }

    @Test
    void ensureWritableGrowsWhenCompactionIsNotEnough() {
        Buffer b = new Buffer(16);
        b.append(ascii("0123456789"));
        b.skip(2);

        b.ensureWritable(100);

        assertThat(b.capacity()).isGreaterThanOrEqualTo(8 + 100);
        assertThat(b.readerIndex()).isZero();
        assertThat(b.readableCopy()).isEqualTo(ascii("23456789"));
        assertThat(b.capacity() - b.writerIndex()).isGreaterThanOrEqualTo(100);
    }

    @Test
    void growthAtLeastDoubles() {
        Buffer b = new Buffer(16);
        b.append(new byte[16]);
        b.ensureWritable(1);
        assertThat(b.capacity()).isEqualTo(32);
    }

    @Test
    void manyAppendsAndSkipsKeepTheContent() {
        Random random = new Random(42);
        Buffer b = new Buffer(3);
        ByteBuffer model = ByteBuffer.allocate(1 << 20);
        int modelRead = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] chunk = new byte[random.nextInt(40)];
            random.nextBytes(chunk);
            b.append(chunk);
            model.put(chunk);
            int skip = random.nextInt(b.readableBytes() + 1);
            b.skip(skip);
            modelRead += skip;
            assertThat(b.readableCopy()).isEqualTo(Arrays.copyOfRange(model.array(), modelRead, model.position()));
        }
    }

    @Test
    void appendsHeapAndDirectByteBuffers() {
        Buffer b = new Buffer(4);
        ByteBuffer heap = ByteBuffer.wrap(ascii("xxheap"));
        heap.position(2);
        b.append(heap);
        assertThat(heap.hasRemaining()).isFalse();

        ByteBuffer direct = ByteBuffer.allocateDirect(6);
        direct.put(ascii("direct")).flip();
        b.append(direct);
        assertThat(direct.position()).isEqualTo(direct.limit());

        b.append(ascii("-range-"), 1, 5);
        assertThat(b.readableCopy()).isEqualTo(ascii("heapdirectrange"));
    }

    @Test
    void indexOfTerminatorFindsLfAndNul() {
        Buffer b = new Buffer(32);
        b.append(ascii("ab\ncd"));
        b.append((byte) 0);
        b.append(ascii("ef"));
        assertThat(b.indexOfTerminator(0)).isEqualTo(2);
        assertThat(b.indexOfTerminator(3)).isEqualTo(5);
        assertThat(b.indexOfTerminator(6)).isEqualTo(-1);
        assertThat(b.indexOfTerminator(b.writerIndex())).isEqualTo(-1);
    }

    @Test
    void indexOfTerminatorDoesNotLookPastTheWriterIndex() {
        Buffer b = new Buffer(32);
        b.append(ascii("abc\n"));
        b.skip(4); // indexes back to 0; the old LF is still in the array
        b.append(ascii("xyz"));
        assertThat(b.array()[3]).isEqualTo((byte) '\n');
        assertThat(b.indexOfTerminator(0)).isEqualTo(-1);
    }

    @Test
    void indexOfTerminatorUsesAbsoluteIndexes() {
        Buffer b = new Buffer(32);
        b.append(ascii("0123\n5\n"));
        b.skip(5);
        assertThat(b.readerIndex()).isEqualTo(5);
        assertThat(b.indexOfTerminator(b.readerIndex())).isEqualTo(6);
    }

    @Test
    void readFromAndWriteToARealSocketPair() {
        assertTimeoutPreemptively(NetTestSupport.TIMEOUT, () -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                     SocketChannel server = listener.accept()) {
                    byte[] payload = new byte[300_000];
                    new Random(7).nextBytes(payload);

                    Buffer out = new Buffer(16);
                    out.append(payload);
                    Buffer in = new Buffer(16);
                    client.configureBlocking(false); // writeTo writes what fits; reads block
                    while (!out.isEmpty() || in.readableBytes() < payload.length) {
                        if (!out.isEmpty()) {
                            int before = out.readableBytes();
                            int written = out.writeTo(client);
                            assertThat(written).isNotNegative();
                            assertThat(out.readableBytes()).isEqualTo(before - written);
                        }
                        int n = in.readFrom(server, 1);
                        assertThat(n).isPositive();
                    }
                    assertThat(out.readerIndex()).isZero();
                    assertThat(in.readableCopy()).isEqualTo(payload);

                    client.close();
                    assertThat(in.readFrom(server, 1)).isEqualTo(-1);
                }
            }
        });
    }
}
