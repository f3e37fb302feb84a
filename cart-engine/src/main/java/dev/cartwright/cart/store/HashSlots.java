package dev.cartwright.cart.store;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster's hash slot of a key: CRC16 (XMODEM) of the key, or of its hash tag (the text between the first
 * '{' and the next '}' when that is not empty), modulo 16384. The store uses it to place shards and carts; tests use it
 * to find the node that holds a key.
 */
public final class HashSlots {

    public static final int SLOTS = 16384;

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xFFFF;
        }
    }

    private HashSlots() {
    }

    /** CRC16 (XMODEM: polynomial 0x1021, initial 0) of the UTF-8 bytes of {@code text}. */
    public static int crc16(String text) {
        int crc = 0;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ b) & 0xFF]) & 0xFFFF;
        }
        return crc;
    }

    /** The hash slot of {@code key}, hash tags taken into account as Redis Cluster does. */
    public static int slotOf(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                return crc16(key.substring(open + 1, close)) % SLOTS;
            }
        }
        return crc16(key) % SLOTS;
    }
}
