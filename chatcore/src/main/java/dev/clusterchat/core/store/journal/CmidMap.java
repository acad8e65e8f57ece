package dev.clusterchat.core.store.journal;

/**
 * Every (sender, cmid) pair ever stored, as a 64-bit hash mapped to its message's msgno: about 27
 * bytes a pair (open addressing, at most 60% full), where a map of records and strings would take
 * about 150. Two pairs with one hash (about one chance in 10^10 among a million pairs) keep only
 * the newer, so the caller checks the message it finds. Not thread-safe: its owner guards it.
 */
final class CmidMap {
    private long[] keys = new long[1024];
    private long[] values = new long[1024];
    private int size;

    /** The msgno last stored under this pair's hash, or 0. */
    long get(long senderId, String cmid) {
        long key = hash(senderId, cmid);
        int mask = keys.length - 1;
        for (int i = (int) key & mask; keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return values[i];
            }
        }
        return 0;
    }

    void put(long senderId, String cmid, long msgno) {
        if (size + 1 > keys.length * 0.6) {
            grow();
        }
        insert(hash(senderId, cmid), msgno);
    }

    private void insert(long key, long msgno) {
        int mask = keys.length - 1;
        int i = (int) key & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
        }
        keys[i] = key;
        values[i] = msgno;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** FNV-1a over the sender and the cmid's chars, then a final mix; never 0 (the empty slot). */
    static long hash(long senderId, String cmid) {
        long h = 0xcbf29ce484222325L ^ senderId;
        h *= 0x100000001b3L;
        for (int i = 0; i < cmid.length(); i++) {
            h = (h ^ cmid.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
