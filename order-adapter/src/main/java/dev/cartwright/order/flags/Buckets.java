package dev.cartwright.order.flags;

import java.nio.charset.StandardCharsets;

/**
 * Stable buckets for percentage rollouts: a subject (customer or cart id) lands in one of 10 000 buckets per flag,
 * by MurmurHash3 (x86, 32-bit, seed 0) of {@code "<flag>:<subject>"} in UTF-8, read unsigned, modulo 10 000.
 *
 * <p>The bucket depends on nothing but the two strings, so it is the same in every process and every release, and a
 * subject on at 10% stays on at 50% (a flag covers buckets {@code 0 .. share-1}). Hashing the flag name with the
 * subject keeps two flags' rollouts independent: the first 10% of one is not the first 10% of the other.
 */
public final class Buckets {

    /** Number of buckets: one per basis point. */
    public static final int COUNT = FlagSetting.ALL;

    private Buckets() {
    }

    /** The bucket (0..9 999) of {@code subjectId} for {@code flag}. */
    public static int of(String flag, String subjectId) {
        byte[] bytes = (flag + ":" + subjectId).getBytes(StandardCharsets.UTF_8);
        return (int) (Integer.toUnsignedLong(murmur3(bytes, 0)) % COUNT);
    }

    /** MurmurHash3_x86_32 as published by Austin Appleby (public domain). */
    static int murmur3(byte[] data, int seed) {
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h1 = seed;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k1 = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16 | (data[at + 3] & 0xff) << 24;
            k1 *= c1;
            k1 = Integer.rotateLeft(k1, 15);
            k1 *= c2;
            h1 ^= k1;
            h1 = Integer.rotateLeft(h1, 13);
            h1 = h1 * 5 + 0xe6546b64;
        }
        int tail = blocks * 4;
        int k1 = 0;
        switch (data.length & 3) {
            case 3:
                k1 ^= (data[tail + 2] & 0xff) << 16;
                // falls through
            case 2:
                k1 ^= (data[tail + 1] & 0xff) << 8;
                // falls through
            case 1:
                k1 ^= data[tail] & 0xff;
                k1 *= c1;
                k1 = Integer.rotateLeft(k1, 15);
                k1 *= c2;
                h1 ^= k1;
                break;
            default:
                break;
        }
        h1 ^= data.length;
        h1 ^= h1 >>> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >>> 13;
        h1 *= 0xc2b2ae35;
        h1 ^= h1 >>> 16;
        return h1;
    }
}
