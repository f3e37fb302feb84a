package dev.cartwright.cart;

import java.time.Instant;
import java.util.Objects;

/**
 * One product in a cart: its quantity and the unit price the cart holds for it (in minor units of the cart's
 * currency, taken from the price snapshot when the line was added or last added to).
 *
 * @param productId the product; one line per product
 * @param categoryId the product's category, for category promotions; never contains '|'
 * @param name the display name the catalog gave when the line was added, or ""
 * @param quantity at least 1
 * @param unitPriceMinor not negative
 * @param addedAt when the line first appeared in the cart
 */
public record CartLine(String productId, String categoryId, String name, int quantity, long unitPriceMinor, Instant addedAt) {

    public CartLine {
        CartText.requireProductId(productId);
        CartText.requireCategoryId(categoryId);
        Objects.requireNonNull(name, "name");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1: " + quantity);
        }
        if (unitPriceMinor < 0) {
            throw new IllegalArgumentException("unitPriceMinor must not be negative: " + unitPriceMinor);
        }
        Objects.requireNonNull(addedAt, "addedAt");
    }

    /** The line's amount before promotions and tax, exact or an ArithmeticException. */
    public long amountMinor() {
        return Math.multiplyExact(unitPriceMinor, (long) quantity);
    }

    public CartLine withQuantity(int newQuantity) {
        return new CartLine(productId, categoryId, name, newQuantity, unitPriceMinor, addedAt);
    }
}
