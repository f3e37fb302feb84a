package dev.cartwright.cart.store.change;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the cart change stream, decoded once into what it says: an applied change of one kind (the stream's
 * vocabulary, written by cart-mutate.lua), a change of a kind this code does not know, an entry that could not be
 * read, or an entry deleted from the stream while still pending. Owns no transport: the readers of the stream (the
 * write-behind, the Kafka bridge) decode Redis replies into these and switch over them.
 *
 * <p>Java 17 has no pattern switch, so readers test with {@code instanceof}; a kind added here must be added to
 * them too ({@code dev.cartwright.checkout.events.CartEvents}).
 */
public sealed interface CartChange {

    String CREATED = "cart.created";
    String ITEM_ADDED = "cart.item.added";
    String ITEM_UPDATED = "cart.item.updated";
    String ITEM_REMOVED = "cart.item.removed";
    String CLEARED = "cart.cleared";
    String PROMOTION_APPLIED = "cart.promotion.applied";
    String PROMOTION_REMOVED = "cart.promotion.removed";
    String MERGED = "cart.merged";
    String CONVERTED = "cart.converted";
    String ABANDONED = "cart.abandoned";

    /** The stream entry id; also the id of the event published for it, so a re-sent entry is recognised. */
    String entryId();

    /** The cart; "" when the entry does not say (it was deleted while pending). */
    String cartId();

    /** The change's type as the stream spells it ({@code cart.item.added}); "" when unknown. */
    String type();

    /** The cart as this change left it, when the entry carries it (entries written before it did do not). */
    Optional<CartSnapshot> cart();

    /**
     * What every applied change carries.
     *
     * @param customerId "" for a guest cart
     * @param at when the change was applied
     * @param cart the cart after the change, if the entry carries it
     * @param traceParent the W3C traceparent of the span the change was made in, "" when none
     * @param traceState its tracestate, "" when none
     */
    record Stamp(String entryId, String cartId, long version, String customerId, String currency, Instant at,
                 Optional<CartSnapshot> cart, String traceParent, String traceState) {

        /** A change made outside any trace. */
        public Stamp(String entryId, String cartId, long version, String customerId, String currency, Instant at,
                     Optional<CartSnapshot> cart) {
            this(entryId, cartId, version, customerId, currency, at, cart, "", "");
        }

        public Stamp {
            Objects.requireNonNull(traceParent, "traceParent");
            Objects.requireNonNull(traceState, "traceState");
            Objects.requireNonNull(entryId, "entryId");
            Objects.requireNonNull(cartId, "cartId");
            Objects.requireNonNull(customerId, "customerId");
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(cart, "cart");
        }
    }

    /** A change the cart script applied. */
    sealed interface Applied extends CartChange {

        Stamp stamp();

        @Override
        default String entryId() {
            return stamp().entryId();
        }

        @Override
        default String cartId() {
            return stamp().cartId();
        }

        @Override
        default Optional<CartSnapshot> cart() {
            return stamp().cart();
        }

        default long version() {
            return stamp().version();
        }
    }

    /** A new cart, empty, of the stamp's customer and currency. */
    record Created(Stamp stamp) implements Applied {
        @Override
        public String type() {
            return CREATED;
        }
    }

    /** Units of a product added: {@code quantityAdded} more, so the line holds {@code lineQuantity}. */
    record ItemAdded(Stamp stamp, String productId, int lineQuantity, int quantityAdded, long unitPriceMinor) implements Applied {
        @Override
        public String type() {
            return ITEM_ADDED;
        }
    }

    /** A line's quantity set from {@code previousQuantity} to {@code quantity}. */
    record ItemUpdated(Stamp stamp, String productId, int quantity, int previousQuantity, long unitPriceMinor) implements Applied {
        @Override
        public String type() {
            return ITEM_UPDATED;
        }
    }

    /** A line removed; it held {@code previousQuantity}. */
    record ItemRemoved(Stamp stamp, String productId, int previousQuantity, long unitPriceMinor) implements Applied {
        @Override
        public String type() {
            return ITEM_REMOVED;
        }
    }

    /** Every line removed. */
    record Cleared(Stamp stamp, int linesRemoved) implements Applied {
        @Override
        public String type() {
            return CLEARED;
        }
    }

    record PromotionApplied(Stamp stamp, String code) implements Applied {
        @Override
        public String type() {
            return PROMOTION_APPLIED;
        }
    }

    record PromotionRemoved(Stamp stamp, String code) implements Applied {
        @Override
        public String type() {
            return PROMOTION_REMOVED;
        }
    }

    /**
     * One of a merge's two steps, which the stream records under one type: on the target, {@code otherCartId} is the
     * source and {@code unitsAdded} the units taken over; on the source (now MERGED), it is the target and 0.
     */
    record Merged(Stamp stamp, String otherCartId, int unitsAdded) implements Applied {
        @Override
        public String type() {
            return MERGED;
        }
    }

    /** The cart became the order {@code orderId} through the checkout {@code checkoutId}. */
    record Converted(Stamp stamp, String orderId, String checkoutId) implements Applied {
        @Override
        public String type() {
            return CONVERTED;
        }
    }

    /** Marked abandoned after sitting idle. */
    record Abandoned(Stamp stamp) implements Applied {
        @Override
        public String type() {
            return ABANDONED;
        }
    }

    /** An applied change of a type this code does not know (written by a newer script): stored, not published. */
    record OtherKind(Stamp stamp, String type) implements Applied {
    }

    /**
     * An entry whose record could not be read (a field of the wrong shape); {@code cart} is what it carried, if that
     * could be read.
     */
    record Unreadable(String entryId, String cartId, String reason, Optional<CartSnapshot> cart) implements CartChange {
        @Override
        public String type() {
            return "";
        }
    }

    /** An entry deleted from the stream while it was still pending: nothing is left of it but its id. */
    record Gone(String entryId) implements CartChange {
        @Override
        public String cartId() {
            return "";
        }

        @Override
        public String type() {
            return "";
        }

        @Override
        public Optional<CartSnapshot> cart() {
            return Optional.empty();
        }
    }
}
