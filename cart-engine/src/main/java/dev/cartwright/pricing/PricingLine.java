package dev.cartwright.pricing;

/**
 * One cart line as the totals calculation sees it: the unit price is the one the cart holds for the line
 * (frozen when it was added or last repriced), in minor units of the snapshot's currency.
 */
public record PricingLine(String productId, String categoryId, int quantity, long unitPrice) {

    public PricingLine {
        PriceEntry.requireText(productId, "productId");
        PriceEntry.requireText(categoryId, "categoryId");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1: " + productId);
        }
        if (unitPrice < 0) {
            throw new IllegalArgumentException("unitPrice must not be negative: " + productId);
        }
    }
}
