package dev.cartwright.pricing;

import java.util.Objects;

/**
 * What the price book knows about one product: its unit price, its category (promotions target categories),
 * whether it may be sold right now, and the tax class the tax table rates it by.
 */
public record PriceEntry(String productId, Money unitPrice, String categoryId, boolean sellable, String taxClass) {

    /** The tax class of products that no other class was given to. */
    public static final String STANDARD_TAX_CLASS = "standard";

    public PriceEntry {
        requireText(productId, "productId");
        Objects.requireNonNull(unitPrice, "unitPrice");
        requireText(categoryId, "categoryId");
        requireText(taxClass, "taxClass");
        if (unitPrice.isNegative()) {
            throw new IllegalArgumentException("unitPrice must not be negative: " + productId);
        }
    }

    public PriceEntry withUnitPrice(Money newPrice) {
        return new PriceEntry(productId, newPrice, categoryId, sellable, taxClass);
    }

    public PriceEntry withSellable(boolean nowSellable) {
        return new PriceEntry(productId, unitPrice, categoryId, nowSellable, taxClass);
    }

    static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
