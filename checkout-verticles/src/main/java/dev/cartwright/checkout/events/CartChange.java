package dev.cartwright.checkout.events;

import java.util.Map;

/**
 * One entry of the cart change stream as the bridge reads it: the stream entry id (which is also the event id)
 * and its fields ({@code cart_id}, {@code version}, {@code type}, {@code customer_id}, {@code product_id},
 * {@code quantity}, {@code delta}, {@code unit_price}, {@code currency}, {@code at}, ...).
 */
public record CartChange(String entryId, Map<String, String> fields) {

    public CartChange {
        fields = Map.copyOf(fields);
    }

    public String type() {
        return field("type");
    }

    public String cartId() {
        return field("cart_id");
    }

    /** The field's value, "" when absent. */
    public String field(String name) {
        String v = fields.get(name);
        return v == null ? "" : v;
    }

    public long longField(String name) {
        String v = field(name);
        if (v.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stream entry " + entryId + ": field " + name + " is not a number: " + v, e);
        }
    }

    public int intField(String name) {
        return Math.toIntExact(longField(name));
    }
}
