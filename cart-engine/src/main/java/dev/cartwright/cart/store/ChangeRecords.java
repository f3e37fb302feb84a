package dev.cartwright.cart.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import dev.cartwright.cart.store.change.CartChange;
import dev.cartwright.cart.store.change.CartChange.Abandoned;
import dev.cartwright.cart.store.change.CartChange.Cleared;
import dev.cartwright.cart.store.change.CartChange.Converted;
import dev.cartwright.cart.store.change.CartChange.Created;
import dev.cartwright.cart.store.change.CartChange.Gone;
import dev.cartwright.cart.store.change.CartChange.ItemAdded;
import dev.cartwright.cart.store.change.CartChange.ItemRemoved;
import dev.cartwright.cart.store.change.CartChange.ItemUpdated;
import dev.cartwright.cart.store.change.CartChange.Merged;
import dev.cartwright.cart.store.change.CartChange.OtherKind;
import dev.cartwright.cart.store.change.CartChange.PromotionApplied;
import dev.cartwright.cart.store.change.CartChange.PromotionRemoved;
import dev.cartwright.cart.store.change.CartChange.Stamp;
import dev.cartwright.cart.store.change.CartChange.Unreadable;
import dev.cartwright.cart.store.change.CartSnapshot;
import io.vertx.redis.client.Response;

/**
 * Decodes the entries of the cart change stream, as XREADGROUP, XAUTOCLAIM and XRANGE return them (RESP2 or RESP3),
 * into typed {@link CartChange} records, reading each field once and building no map on the way: the record packed in
 * {@value StreamEntries#PACKED} (or spelled out field by field, as entries were once written), and the cart packed in
 * {@value StreamEntries#PACKED_CART}, kept as bytes for whoever needs it. A field of the wrong shape makes the entry
 * {@link Unreadable}, naming the entry and the field; it never fails the batch.
 */
public final class ChangeRecords {

    private ChangeRecords() {
    }

    /** The changes an XREADGROUP reply holds for its single stream, in stream order; none when it timed out (nil). */
    public static List<CartChange> fromReadGroup(Response reply) {
        if (reply == null) {
            return List.of();
        }
        if (reply.isMap()) {
            for (String stream : reply.getKeys()) {
                return fromEntries(reply.get(stream));
            }
            return List.of();
        }
        if (reply.size() == 0) {
            return List.of();
        }
        return fromEntries(reply.get(0).get(1));
    }

    /** The changes of an XRANGE reply, or of the entries part of an XAUTOCLAIM reply. */
    public static List<CartChange> fromEntries(Response entries) {
        List<CartChange> out = new ArrayList<>(entries == null ? 0 : entries.size());
        if (entries == null) {
            return out;
        }
        for (Response entry : entries) {
            if (entry != null) {
                out.add(decode(entry));
            }
        }
        return out;
    }

    /** One entry: its id and its fields (a flat array in RESP2, a map in RESP3; nil once deleted from the stream). */
    static CartChange decode(Response entry) {
        String entryId = entry.get(0).toString();
        Response values = entry.size() > 1 ? entry.get(1) : null;
        if (values == null) {
            return new Gone(entryId);
        }
        Fields fields = new Fields(entryId);
        try {
            if (values.isMap()) {
                for (String name : values.getKeys()) {
                    fields.field(name, values.get(name));
                }
            } else {
                for (int i = 0; i + 1 < values.size(); i += 2) {
                    fields.field(values.get(i).toString(), values.get(i + 1));
                }
            }
        } catch (IllegalStateException malformed) {
            return fields.unreadable("packed record: " + malformed.getMessage());
        }
        return fields.change();
    }

    /** The fields of one entry as they are read, then the record they make. */
    private static final class Fields implements BiConsumer<String, String> {

        private final String entryId;
        private String cartId = "";
        private String type;
        private String version;
        private String customerId = "";
        private String currency = "";
        private String at;
        private String productId = "";
        private String quantity;
        private String delta;
        private String unitPrice;
        private String otherCartId = "";
        private String code = "";
        private String orderId = "";
        private String checkoutId = "";
        private String traceParent = "";
        private String traceState = "";
        private Optional<CartSnapshot> cart = Optional.empty();
        /** The field being turned into a number, for the message when it is not one. */
        private String reading;

        Fields(String entryId) {
            this.entryId = entryId;
        }

        void field(String name, Response value) {
            if (value == null) {
                return;
            }
            switch (name) {
                case StreamEntries.PACKED -> PackedFields.forEach(value.toBytes(), this);
                case StreamEntries.PACKED_CART -> cart = Optional.of(new CartSnapshot(value.toBytes(), CartHash::decodePacked));
                default -> accept(name, value.toString());
            }
        }

        @Override
        public void accept(String name, String value) {
            switch (name) {
                case "cart_id" -> cartId = value;
                case "type" -> type = value;
                case "version" -> version = value;
                case "customer_id" -> customerId = value;
                case "currency" -> currency = value;
                case "at" -> at = value;
                case "product_id" -> productId = value;
                case "quantity" -> quantity = value;
                case "delta" -> delta = value;
                case "unit_price" -> unitPrice = value;
                case "other_cart_id" -> otherCartId = value;
                case "code" -> code = value;
                case "order_id" -> orderId = value;
                case "checkout_id" -> checkoutId = value;
                case "traceparent" -> traceParent = value;
                case "tracestate" -> traceState = value;
                default -> {
                    // A field a newer script added: not needed to read this change.
                }
            }
        }

        Unreadable unreadable(String reason) {
            return new Unreadable(entryId, cartId, reason, cart);
        }

        CartChange change() {
            if (type == null || cartId.isEmpty()) {
                return new Unreadable(entryId, cartId, "entry without " + (type == null ? "type" : "cart_id"), cart);
            }
            try {
                Stamp stamp = new Stamp(entryId, cartId, longOf("version", version), customerId, currency,
                    Instant.ofEpochMilli(longOf("at", at)), cart, traceParent, traceState);
                return switch (type) {
                    case CartChange.CREATED -> new Created(stamp);
                    case CartChange.ITEM_ADDED -> new ItemAdded(stamp, productId, intOf("quantity", quantity), intOf("delta", delta),
                        longOf("unit_price", unitPrice));
                    case CartChange.ITEM_UPDATED -> new ItemUpdated(stamp, productId, intOf("quantity", quantity), intOf("delta", delta),
                        longOf("unit_price", unitPrice));
                    case CartChange.ITEM_REMOVED -> new ItemRemoved(stamp, productId, intOf("delta", delta),
                        longOf("unit_price", unitPrice));
                    case CartChange.CLEARED -> new Cleared(stamp, intOf("delta", delta));
                    case CartChange.PROMOTION_APPLIED -> new PromotionApplied(stamp, code);
                    case CartChange.PROMOTION_REMOVED -> new PromotionRemoved(stamp, code);
                    case CartChange.MERGED -> new Merged(stamp, otherCartId, intOf("delta", delta));
                    case CartChange.CONVERTED -> new Converted(stamp, orderId, checkoutId);
                    case CartChange.ABANDONED -> new Abandoned(stamp);
                    default -> new OtherKind(stamp, type);
                };
            } catch (NumberFormatException | ArithmeticException e) {
                return new Unreadable(entryId, cartId, "field " + reading + " is not a number of its range: " + e.getMessage(), cart);
            }
        }

        /** A missing number is 0, as the script leaves out fields a change has nothing for. */
        private long longOf(String name, String value) {
            reading = name;
            return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
        }

        private int intOf(String name, String value) {
            return Math.toIntExact(longOf(name, value));
        }
    }
}
