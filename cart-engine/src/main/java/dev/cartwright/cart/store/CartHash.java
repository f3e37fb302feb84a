package dev.cartwright.cart.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;

/**
 * The layout of a cart's Redis hash, shared with cart-mutate.lua (which documents it): header fields, one
 * {@code l:<product>} field per line holding {@code quantity|unit price|added millis|category|name}, promotions as
 * {@code code=millis,...}. Decodes the field/value pairs a script or HGETALL returns and encodes a stored cart back
 * for the read-through. Lines are ordered by the time they were added, then product id, here and in PostgreSQL.
 */
final class CartHash {

    static final String LINE_PREFIX = "l:";
    private static final Comparator<CartLine> LINE_ORDER =
        Comparator.comparing(CartLine::addedAt).thenComparing(CartLine::productId);

    private CartHash() {
    }

    /** Decodes alternating field and value strings. */
    static StoredCart decode(List<String> fieldsAndValues) {
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < fieldsAndValues.size(); i += 2) {
            fields.put(fieldsAndValues.get(i), fieldsAndValues.get(i + 1));
        }
        return decode(fields);
    }

    static StoredCart decode(Map<String, String> fields) {
        List<CartLine> lines = new ArrayList<>();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (field.getKey().startsWith(LINE_PREFIX)) {
                lines.add(decodeLine(field.getKey().substring(LINE_PREFIX.length()), field.getValue()));
            }
        }
        lines.sort(LINE_ORDER);
        List<String> codes = new ArrayList<>();
        List<Instant> appliedAt = new ArrayList<>();
        String promotions = fields.getOrDefault("pr", "");
        if (!promotions.isEmpty()) {
            for (String entry : promotions.split(",")) {
                int eq = entry.lastIndexOf('=');
                codes.add(entry.substring(0, eq));
                appliedAt.add(Instant.ofEpochMilli(Long.parseLong(entry.substring(eq + 1))));
            }
        }
        Cart cart = new Cart(
            required(fields, "id"),
            fields.getOrDefault("cu", ""),
            CartStatus.valueOf(required(fields, "st")),
            required(fields, "cur"),
            fields.getOrDefault("rg", ""),
            lines,
            codes,
            Long.parseLong(required(fields, "v")),
            millis(required(fields, "ca")),
            millis(required(fields, "ua")),
            fields.getOrDefault("mi", ""));
        return new StoredCart(cart, appliedAt, fields.getOrDefault("oid", ""));
    }

    /** Alternating field and value strings for HSET; the inverse of {@link #decode(Map)}. */
    static List<String> encode(StoredCart stored) {
        Cart cart = stored.cart();
        List<String> out = new ArrayList<>(20 + 2 * cart.lines().size());
        add(out, "id", cart.cartId());
        add(out, "cu", cart.customerId());
        add(out, "st", cart.status().name());
        add(out, "cur", cart.currency());
        add(out, "rg", cart.region());
        add(out, "v", Long.toString(cart.version()));
        add(out, "ca", Long.toString(cart.createdAt().toEpochMilli()));
        add(out, "ua", Long.toString(cart.updatedAt().toEpochMilli()));
        add(out, "mi", cart.mergedInto());
        add(out, "oid", stored.convertedOrderId());
        add(out, "pr", encodePromotions(cart.promotionCodes(), stored.promotionsAppliedAt()));
        for (CartLine line : cart.lines()) {
            add(out, LINE_PREFIX + line.productId(), encodeLine(line));
        }
        return out;
    }

    static String encodeLine(CartLine line) {
        return line.quantity() + "|" + line.unitPriceMinor() + "|" + line.addedAt().toEpochMilli() + "|" + line.categoryId() + "|"
            + line.name();
    }

    static CartLine decodeLine(String productId, String value) {
        String[] parts = value.split("\\|", 5);
        if (parts.length != 5) {
            throw new IllegalStateException("malformed cart line for " + productId + ": " + value);
        }
        return new CartLine(productId, parts[3], parts[4], Integer.parseInt(parts[0]), Long.parseLong(parts[1]),
            Instant.ofEpochMilli(Long.parseLong(parts[2])));
    }

    private static String encodePromotions(List<String> codes, List<Instant> appliedAt) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < codes.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(codes.get(i)).append('=').append(appliedAt.get(i).toEpochMilli());
        }
        return out.toString();
    }

    private static void add(List<String> out, String field, String value) {
        out.add(field);
        out.add(value);
    }

    private static String required(Map<String, String> fields, String field) {
        String value = fields.get(field);
        if (value == null) {
            throw new IllegalStateException("cart hash without field '" + field + "'");
        }
        return value;
    }

    private static Instant millis(String value) {
        return Instant.ofEpochMilli(Long.parseLong(value));
    }
}
