package dev.cartwright.checkout.domain;

import java.util.Objects;

/**
 * One cart line as the checkout froze it, with the amounts the pricing core computed for it, in minor units. The
 * order is created with these per-line amounts, so a refund can later be computed line by line.
 *
 * @param lineDiscount promotions on this product or category
 * @param orderDiscount this line's share of order-level promotions
 * @param total what the customer pays for the line
 */
public record FrozenLine(String productId, String name, String categoryId, int quantity, long unitPrice, long subtotal,
                         long lineDiscount, long orderDiscount, long tax, long total) {

    public FrozenLine {
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(categoryId, "categoryId");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1: " + quantity);
        }
    }

    public long discount() {
        return Math.addExact(lineDiscount, orderDiscount);
    }
}
