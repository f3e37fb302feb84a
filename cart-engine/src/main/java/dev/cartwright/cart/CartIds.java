package dev.cartwright.cart;

import java.security.SecureRandom;
import java.util.Random;

/**
 * Mints cart ids: 128 random bits written as 26 characters of lower-case base32 (RFC 4648 alphabet, no padding),
 * unguessable so that knowing one cart id tells nothing about another. Injected wherever carts are created so tests
 * can use a seeded source.
 */
public final class CartIds {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int BYTES = 16;
    private static final int LENGTH = 26;

    private final Random random;

    /** Backed by {@code random}; production passes a {@link SecureRandom}. */
    public CartIds(Random random) {
        this.random = random;
    }

    /** A source backed by a new {@link SecureRandom}. */
    public static CartIds secure() {
        return new CartIds(new SecureRandom());
    }

    public String next() {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return encode(bytes);
    }

    static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder(LENGTH);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
