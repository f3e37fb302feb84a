package dev.cartwright.sim;

import java.nio.charset.StandardCharsets;

/** A string hash that is the same on every JVM and run (64-bit FNV-1a), for values derived from ids. */
final class StableHash {

    private StableHash() {
    }

    static long fnv64(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
