package dev.cartwright.cart.store;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads the cart hash the scripts send packed as one MessagePack value (Redis's {@code cmsgpack.pack}): a map of
 * field to value, or a flat array of field, value, field, value. One bulk string parsed here with plain array
 * reads costs a fraction of the two RESP bulk strings per field the client's parser would otherwise read byte by byte.
 * Only what {@code cmsgpack} writes for a table of strings is accepted (strings; integers, in case a value was ever
 * stored as a Lua number); anything else is a broken script and fails loudly.
 */
final class PackedFields {

    private final byte[] bytes;
    private int at;

    private PackedFields(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The fields and values of a packed map or flat array; an empty map for an empty array or map. */
    static Map<String, String> decode(byte[] packed) {
        Map<String, String> fields = new HashMap<>();
        forEach(packed, fields::put);
        return fields;
    }

    /** Hands each field and value of a packed map or flat array to {@code field}, in order; returns how many. */
    static int forEach(byte[] packed, BiConsumer<String, String> field) {
        PackedFields in = new PackedFields(packed);
        int pairs;
        int b = in.next();
        if (isMap(b)) {
            pairs = in.length(b, 0x80, 0xde, 0xdf);
        } else if (isArray(b)) {
            int n = in.length(b, 0x90, 0xdc, 0xdd);
            if (n % 2 != 0) {
                throw new IllegalStateException("a packed field list must hold field/value pairs, has " + n + " elements");
            }
            pairs = n / 2;
        } else {
            throw new IllegalStateException("packed cart is neither a map nor an array: type byte 0x" + Integer.toHexString(b));
        }
        for (int i = 0; i < pairs; i++) {
            field.accept(in.string(), in.string());
        }
        if (in.at != packed.length) {
            throw new IllegalStateException("packed cart has " + (packed.length - in.at) + " bytes after its value");
        }
        return pairs;
    }

    private static boolean isMap(int b) {
        return (b & 0xf0) == 0x80 || b == 0xde || b == 0xdf;
    }

    private static boolean isArray(int b) {
        return (b & 0xf0) == 0x90 || b == 0xdc || b == 0xdd;
    }

    private int next() {
        if (at >= bytes.length) {
            throw new IllegalStateException("packed cart ends early at byte " + at);
        }
        return bytes[at++] & 0xff;
    }

    /** The element count of a map or array whose type byte is {@code b}: fix, 16-bit or 32-bit. */
    private int length(int b, int fix, int sixteen, int thirtyTwo) {
        if (b == sixteen) {
            return (int) unsigned(2);
        }
        if (b == thirtyTwo) {
            return Math.toIntExact(unsigned(4));
        }
        return b - fix;
    }

    private long unsigned(int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = (value << 8) | next();
        }
        return value;
    }

    private String string() {
        int b = next();
        int length;
        if ((b & 0xe0) == 0xa0) {
            length = b & 0x1f;
        } else if (b == 0xd9 || b == 0xc4) {
            length = (int) unsigned(1);
        } else if (b == 0xda || b == 0xc5) {
            length = (int) unsigned(2);
        } else if (b == 0xdb || b == 0xc6) {
            length = Math.toIntExact(unsigned(4));
        } else {
            return integer(b);
        }
        if (length > bytes.length - at) {
            throw new IllegalStateException("packed cart ends inside a string at byte " + at);
        }
        String s = new String(bytes, at, length, StandardCharsets.UTF_8);
        at += length;
        return s;
    }

    private String integer(int b) {
        if (b <= 0x7f) {
            return Integer.toString(b);
        }
        if (b >= 0xe0) {
            return Integer.toString((byte) b);
        }
        return switch (b) {
            case 0xcc -> Long.toString(unsigned(1));
            case 0xcd -> Long.toString(unsigned(2));
            case 0xce -> Long.toString(unsigned(4));
            case 0xcf -> Long.toUnsignedString(unsigned(8));
            case 0xd0 -> Long.toString((byte) unsigned(1));
            case 0xd1 -> Long.toString((short) unsigned(2));
            case 0xd2 -> Long.toString((int) unsigned(4));
            case 0xd3 -> Long.toString(unsigned(8));
            default -> throw new IllegalStateException("packed cart holds a value that is not a string: type byte 0x"
                + Integer.toHexString(b) + " at byte " + (at - 1));
        };
    }
}
