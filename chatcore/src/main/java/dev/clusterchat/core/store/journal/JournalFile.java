package dev.clusterchat.core.store.journal;

import dev.clusterchat.core.store.StoreException;
import dev.clusterchat.core.store.StoredMessage;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The journal on disk: one append-only file of {@link Records}, used by one process at a time
 * (a file lock) and one store per JVM. A batch is written with {@code write} calls ending in its
 * COMMIT record: once they return, the batch is in the operating system's page cache and survives
 * the process being killed (not the machine losing power: nothing is fsynced until
 * {@link #close()}). At open, whole batches are replayed; bytes after the last COMMIT (a batch
 * whose writing a crash cut short, which nobody was told had succeeded) are cut off; damage
 * followed by another whole batch is refused, not cut. The file is read and written with
 * {@link RandomAccessFile}, whose calls an interrupted thread does not close (a
 * {@code FileChannel} would close itself for every thread). Appends: the caller's lock; reads:
 * thread-safe.
 */
final class JournalFile implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JournalFile.class.getName());
    /** The journals open in this JVM: a second store on one would drop the first one's lock. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final byte[] COMMIT = new Records().commit().toArray();

    /** A replayed record's content and where its record starts. */
    record Entry(Object content, long position) {
    }

    private final Path path;
    private final RandomAccessFile writer;
    private final RandomAccessFile reader; // guarded by itself
    private final FileLock lock;
    private long end; // the caller's lock
    private volatile boolean closed;

    private JournalFile(Path path, RandomAccessFile writer, RandomAccessFile reader, FileLock lock) {
        this.path = path;
        this.writer = writer;
        this.reader = reader;
        this.lock = lock;
    }

    /**
     * Opens (or creates) the journal, hands every whole batch to {@code replay} in order (each entry
     * a {@link StoredMessage} or a {@link Records.CursorChange}), and cuts off an unfinished last batch.
     */
    static JournalFile open(Path path, Consumer<List<Entry>> replay) {
        Path key = path.toAbsolutePath().normalize();
        if (!OPEN.add(key)) {
            throw new StoreException("the message journal " + path + " is in use by another store in this process");
        }
        RandomAccessFile writer = null;
        RandomAccessFile reader = null;
        try {
            writer = new RandomAccessFile(key.toFile(), "rw");
            FileLock lock = writer.getChannel().tryLock();
            if (lock == null) {
                throw new StoreException("the message journal " + path + " is in use by another chatd");
            }
            reader = new RandomAccessFile(key.toFile(), "r");
            JournalFile file = new JournalFile(key, writer, reader, lock);
            file.end = file.replay(replay);
            return file;
        } catch (IOException | RuntimeException e) {
            closeQuietly(reader);
            closeQuietly(writer);
            OPEN.remove(key);
            throw e instanceof StoreException s ? s
                    : new StoreException("cannot open the message journal " + path + ": " + e.getMessage(), e);
        }
    }

    /** Replays whole batches; returns where the next batch goes. */
    private long replay(Consumer<List<Entry>> replay) throws IOException {
        long size = writer.length();
        long position = 0;
        long committed = 0;
        List<Entry> batch = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
            while (position < size) {
                int length = in.readInt();
                int crc = in.readInt();
                if (length < 1 || length > Records.MAX_BODY || position + Records.HEADER + length > size) {
                    break;
                }
                byte[] body = new byte[length];
                in.readFully(body);
                ByteBuffer b = ByteBuffer.wrap(body);
                if (!Records.intact(b, crc)) {
                    break;
                }
                long start = position;
                position += Records.HEADER + length;
                byte kind = b.get();
                if (kind == Records.COMMIT) {
                    replay.accept(batch);
                    batch = new ArrayList<>();
                    committed = position;
                } else {
                    batch.add(new Entry(kind == Records.MESSAGE ? Records.readMessage(b) : Records.readCursor(kind, b),
                            start));
                }
            }
        } catch (EOFException e) {
            // a record cut short: an unfinished last batch, handled below
        }
        if (committed < size) {
            long later = nextCommit(committed, size);
            if (later >= 0) {
                throw new StoreException("the message journal " + path + " is damaged at byte " + committed
                        + ", before a whole batch at byte " + later + "; to start with what comes before the damage,"
                        + " move the file aside and keep its first " + committed + " bytes (head -c " + committed + ")");
            }
            LOG.warning("message journal " + path + ": cut off the last " + (size - committed)
                    + " bytes, a batch chatd was still writing when it stopped (never acknowledged)");
            writer.setLength(committed);
        }
        return committed;
    }

    /** Where the first whole COMMIT record after {@code from} starts, or -1. */
    private long nextCommit(long from, long size) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            in.skipNBytes(from);
            byte[] window = new byte[COMMIT.length];
            int filled = 0;
            for (long p = from; p < size; p++) {
                int b = in.read();
                if (b < 0) {
                    return -1;
                }
                if (filled == window.length) {
                    System.arraycopy(window, 1, window, 0, window.length - 1);
                    filled--;
                }
                window[filled++] = (byte) b;
                if (filled == window.length && java.util.Arrays.equals(window, COMMIT)) {
                    return p + 1 - window.length;
                }
            }
            return -1;
        }
    }

    /**
     * Writes records at the end; caller's lock. If the write fails, what it wrote is cut off again;
     * if even that fails, throws {@link JournalBrokenException} (the file can take nothing more).
     */
    void append(ByteBuffer records) {
        checkOpen();
        long start = end;
        try {
            writer.seek(start);
            writer.write(records.array(), records.arrayOffset() + records.position(), records.remaining());
            end = start + records.remaining();
        } catch (IOException e) {
            try {
                writer.setLength(start);
            } catch (IOException undo) {
                e.addSuppressed(undo);
                throw new JournalBrokenException("cannot write the message journal " + path
                        + ", nor cut off what was written: restart chatd; " + e.getMessage(), e);
            }
            throw new StoreException("cannot write the message journal " + path + ": " + e.getMessage(), e);
        }
    }

    /** Where the next record goes; caller's lock. */
    long end() {
        return end;
    }

    /** The message whose record starts at {@code position}. Thread-safe. */
    StoredMessage readMessage(long position) {
        checkOpen();
        try {
            byte[] header = new byte[Records.HEADER];
            byte[] body;
            synchronized (reader) {
                reader.seek(position);
                reader.readFully(header);
                int length = ByteBuffer.wrap(header).getInt(0);
                if (length < 1 || length > Records.MAX_BODY) {
                    throw new StoreException("message journal " + path + " is damaged at byte " + position);
                }
                body = new byte[length];
                reader.readFully(body);
            }
            ByteBuffer b = ByteBuffer.wrap(body);
            if (!Records.intact(b, ByteBuffer.wrap(header).getInt(4)) || b.get() != Records.MESSAGE) {
                throw new StoreException("message journal " + path + " is damaged at byte " + position);
            }
            return Records.readMessage(b);
        } catch (IOException e) {
            throw new StoreException("cannot read the message journal " + path + ": " + e.getMessage(), e);
        }
    }

    /** Throws if the journal was closed. Thread-safe. */
    void checkOpen() {
        if (closed) {
            throw new StoreException("the message journal " + path + " is closed");
        }
    }

    /** Forces what was written to the disk, and closes; idempotent. Caller's lock. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.getFD().sync();
            lock.release();
        } catch (IOException e) {
            LOG.warning("message journal " + path + ": " + e.getMessage());
        } finally {
            closeQuietly(reader);
            closeQuietly(writer);
            OPEN.remove(path);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
