package dev.cartwright.cart.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vertx.redis.client.Response;

/**
 * Parses the entries of stream replies (XRANGE, XREADGROUP, XAUTOCLAIM) in RESP2 or RESP3 shape. A change record
 * packed into the field {@value #PACKED} (as cart-mutate.lua writes it) is expanded into its fields, so readers see
 * {@code cart_id, version, type, ...} whichever way the entry was written; the cart after the change, packed in the
 * field {@value #PACKED_CART}, is kept as the bytes it came in (decoded only by a reader that needs it).
 */
public final class StreamEntries {

    /**
     * One stream entry.
     *
     * @param fields empty when the entry was deleted from the stream but is still pending
     * @param packedCart the cart hash after the change as one MessagePack map, or null for an entry written without it
     */
    public record Entry(String id, Map<String, String> fields, byte[] packedCart) {

        public Entry(String id, Map<String, String> fields) {
            this(id, fields, null);
        }
    }

    /** The field holding the change record as one MessagePack map. */
    public static final String PACKED = "e";
    /** The field holding the cart after the change as one MessagePack map. */
    public static final String PACKED_CART = "c";
    private static final String CART_ID = "cart_id";

    private StreamEntries() {
    }

    /** The entries of an XRANGE reply, or of one stream's part of an XREADGROUP or XAUTOCLAIM reply. */
    public static List<Entry> parse(Response entries) {
        return parse(entries, false);
    }

    /**
     * Like {@link #parse(Response)}, but each entry's fields hold only its {@code cart_id} (when it has one): for a
     * reader that needs no more, the packed record is not decoded.
     */
    public static List<Entry> parseCartIds(Response entries) {
        return parse(entries, true);
    }

    private static List<Entry> parse(Response entries, boolean cartIdOnly) {
        List<Entry> out = new ArrayList<>();
        if (entries == null) {
            return out;
        }
        for (Response entry : entries) {
            if (entry == null) {
                continue;
            }
            Response values = entry.size() > 1 ? entry.get(1) : null;
            Map<String, String> fields = values == null ? new LinkedHashMap<>() : cartIdOnly ? cartIdOf(values) : fields(values);
            Response cart = values == null ? null : RedisReplies.field(values, PACKED_CART);
            out.add(new Entry(entry.get(0).toString(), fields, cart == null ? null : cart.toBytes()));
        }
        return out;
    }

    /** The fields of one entry (a flat array in RESP2, a map in RESP3), the packed record expanded, the packed cart left out. */
    public static Map<String, String> fields(Response values) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (values.isMap()) {
            for (String name : values.getKeys()) {
                put(fields, name, values.get(name));
            }
            return fields;
        }
        for (int i = 0; i + 1 < values.size(); i += 2) {
            put(fields, values.get(i).toString(), values.get(i + 1));
        }
        return fields;
    }

    private static Map<String, String> cartIdOf(Response values) {
        Map<String, String> fields = new LinkedHashMap<>(2);
        Response cartId = RedisReplies.field(values, CART_ID);
        if (cartId != null) {
            fields.put(CART_ID, cartId.toString());
        }
        return fields;
    }

    private static void put(Map<String, String> fields, String name, Response value) {
        if (PACKED_CART.equals(name)) {
            return;
        }
        if (PACKED.equals(name) && value != null) {
            fields.putAll(PackedFields.decode(value.toBytes()));
        } else {
            fields.put(name, RedisReplies.string(value));
        }
    }

    /** The entries an XREADGROUP reply holds for its single stream; empty when it timed out (nil). */
    public static List<Entry> parseReadGroup(Response reply) {
        return parseReadGroup(reply, false);
    }

    /** {@link #parseReadGroup(Response)} with only each entry's {@code cart_id} (see {@link #parseCartIds}). */
    public static List<Entry> parseReadGroupCartIds(Response reply) {
        return parseReadGroup(reply, true);
    }

    private static List<Entry> parseReadGroup(Response reply, boolean cartIdOnly) {
        if (reply == null) {
            return List.of();
        }
        if (reply.isMap()) {
            for (String stream : reply.getKeys()) {
                return parse(reply.get(stream), cartIdOnly);
            }
            return List.of();
        }
        if (reply.size() == 0) {
            return List.of();
        }
        return parse(reply.get(0).get(1), cartIdOnly);
    }

    /** Milliseconds part of an entry id ({@code <millis>-<sequence>}). */
    public static long millisOf(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }

    /** The smallest id greater than {@code id}. */
    static String successor(String id) {
        int dash = id.indexOf('-');
        if (dash < 0) {
            return id + "-1";
        }
        return id.substring(0, dash) + "-" + (Long.parseLong(id.substring(dash + 1)) + 1);
    }

    /** Compares two entry ids numerically. */
    static int compare(String a, String b) {
        int byMillis = Long.compare(millisOf(a), millisOf(b));
        if (byMillis != 0) {
            return byMillis;
        }
        return Long.compare(sequenceOf(a), sequenceOf(b));
    }

    private static long sequenceOf(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? 0 : Long.parseLong(id.substring(dash + 1));
    }
}
