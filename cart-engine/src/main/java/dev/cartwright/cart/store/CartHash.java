package dev.cartwright.cart.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

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
        Fields fields = new Fields();
        for (int i = 0; i + 1 < fieldsAndValues.size(); i += 2) {
            fields.put(fieldsAndValues.get(i), fieldsAndValues.get(i + 1));
        }
        return fields.stored();
    }

    static StoredCart decode(Map<String, String> hash) {
        Fields fields = new Fields();
        hash.forEach(fields::put);
        return fields.stored();
    }

    /** Decodes the hash as a script packed it (see {@link PackedFields}); null when the packed hash is empty. */
    static StoredCart decodePacked(byte[] packed) {
        Fields fields = new Fields();
        return PackedFields.forEach(packed, fields::put) == 0 ? null : fields.stored();
    }

    /**
     * The fields of one hash as they are read, header fields by name and lines decoded on the way, without a map of
     * them all first: the service decodes a cart for nearly every reply.
     */
    private static final class Fields implements BiConsumer<String, String> {

        private String id;
        private String customer = "";
        private String status;
        private String currency;
        private String region = "";
        private String version;
        private String createdAt;
        private String updatedAt;
        private String mergedInto = "";
        private String orderId = "";
        private String promotions = "";
        private final List<CartLine> lines = new ArrayList<>();

        @Override
        public void accept(String field, String value) {
            put(field, value);
        }

        void put(String field, String value) {
            switch (field) {
                case "id" -> id = value;
                case "cu" -> customer = value;
                case "st" -> status = value;
                case "cur" -> currency = value;
                case "rg" -> region = value;
                case "v" -> version = value;
                case "ca" -> createdAt = value;
                case "ua" -> updatedAt = value;
                case "mi" -> mergedInto = value;
                case "oid" -> orderId = value;
                case "pr" -> promotions = value;
                default -> {
                    if (field.startsWith(LINE_PREFIX)) {
                        lines.add(decodeLine(field.substring(LINE_PREFIX.length()), value));
                    }
                }
            }
        }

        StoredCart stored() {
            lines.sort(LINE_ORDER);
            List<String> codes = new ArrayList<>();
            List<Instant> appliedAt = new ArrayList<>();
            if (!promotions.isEmpty()) {
                int from = 0;
                while (from < promotions.length()) {
                    int comma = promotions.indexOf(',', from);
                    int end = comma < 0 ? promotions.length() : comma;
                    int eq = promotions.lastIndexOf('=', end - 1);
                    if (eq < from) {
                        throw new IllegalStateException("malformed promotions in cart hash: " + promotions);
                    }
                    codes.add(promotions.substring(from, eq));
                    appliedAt.add(Instant.ofEpochMilli(Long.parseLong(promotions, eq + 1, end, 10)));
                    from = end + 1;
                }
            }
            Cart cart = new Cart(required(id, "id"), customer, CartStatus.valueOf(required(status, "st")), required(currency, "cur"),
                region, lines, codes, Long.parseLong(required(version, "v")), millis(required(createdAt, "ca")),
                millis(required(updatedAt, "ua")), mergedInto);
            return new StoredCart(cart, appliedAt, orderId);
        }
    }

    /** Alternating field and value strings for HSET; the inverse of {@link #decode(List)}. */
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

    /** 'quantity|unit price|added millis|category|name'; the name is last, so it may hold '|' itself. */
    static CartLine decodeLine(String productId, String value) {
        int q = value.indexOf('|');
        int p = q < 0 ? -1 : value.indexOf('|', q + 1);
        int a = p < 0 ? -1 : value.indexOf('|', p + 1);
        int c = a < 0 ? -1 : value.indexOf('|', a + 1);
        if (c < 0) {
            throw new IllegalStateException("malformed cart line for " + productId + ": " + value);
        }
        return new CartLine(productId, value.substring(a + 1, c), value.substring(c + 1), Integer.parseInt(value, 0, q, 10),
            Long.parseLong(value, q + 1, p, 10), Instant.ofEpochMilli(Long.parseLong(value, p + 1, a, 10)));
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

    private static String required(String value, String field) {
        if (value == null) {
            throw new IllegalStateException("cart hash without field '" + field + "'");
        }
        return value;
    }

    private static Instant millis(String value) {
        return Instant.ofEpochMilli(Long.parseLong(value));
    }
}
