package dev.cartwright.cart.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import dev.cartwright.cart.Cart;

/**
 * A cart with the bookkeeping the store keeps beside what callers see: when each promotion code was applied (codes
 * keep their order through PostgreSQL by that time) and the order a converted cart became. This is what moves
 * between the Redis hash and the PostgreSQL rows.
 *
 * @param promotionsAppliedAt one instant per code of {@code cart.promotionCodes()}, strictly increasing
 * @param convertedOrderId "" unless the cart is CONVERTED
 */
public record StoredCart(Cart cart, List<Instant> promotionsAppliedAt, String convertedOrderId) {

    public StoredCart {
        Objects.requireNonNull(cart, "cart");
        promotionsAppliedAt = List.copyOf(promotionsAppliedAt);
        Objects.requireNonNull(convertedOrderId, "convertedOrderId");
        if (promotionsAppliedAt.size() != cart.promotionCodes().size()) {
            throw new IllegalArgumentException("one applied-at instant per promotion code is needed");
        }
    }
}
