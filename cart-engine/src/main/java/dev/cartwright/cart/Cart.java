package dev.cartwright.cart;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.cartwright.pricing.PricingLine;

/**
 * A cart as the store last wrote it: header, lines (at most one per product, in the order they were added) and the
 * promotion codes in the order they were applied. {@code version} grows by one with every applied change; callers
 * pass it back as the expected version for optimistic concurrency.
 *
 * @param customerId "" for a guest cart
 * @param region the tax region the cart is priced for, or ""
 * @param mergedInto the cart this one was folded into; "" unless MERGED
 */
public record Cart(
    String cartId,
    String customerId,
    CartStatus status,
    String currency,
    String region,
    List<CartLine> lines,
    List<String> promotionCodes,
    long version,
    Instant createdAt,
    Instant updatedAt,
    String mergedInto) {

    public Cart {
        CartText.requireCartId(cartId);
        CartText.requireCustomerId(customerId);
        Objects.requireNonNull(status, "status");
        CartText.requireCurrency(currency);
        Objects.requireNonNull(region, "region");
        lines = List.copyOf(lines);
        promotionCodes = List.copyOf(promotionCodes);
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1: " + version);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(mergedInto, "mergedInto");
        if ((status == CartStatus.MERGED) == mergedInto.isEmpty()) {
            throw new IllegalArgumentException("mergedInto is set exactly when the cart is MERGED: " + status + " '" + mergedInto + "'");
        }
        Set<String> products = new HashSet<>();
        for (CartLine line : lines) {
            if (!products.add(line.productId())) {
                throw new IllegalArgumentException("two lines for product " + line.productId());
            }
        }
    }

    public boolean isGuest() {
        return customerId.isEmpty();
    }

    public Optional<CartLine> line(String productId) {
        for (CartLine line : lines) {
            if (line.productId().equals(productId)) {
                return Optional.of(line);
            }
        }
        return Optional.empty();
    }

    /** The number of units over all lines. */
    public int itemCount() {
        int count = 0;
        for (CartLine line : lines) {
            count = Math.addExact(count, line.quantity());
        }
        return count;
    }

    /** The lines as the pricing core takes them. */
    public List<PricingLine> pricingLines() {
        return lines.stream()
            .map(line -> new PricingLine(line.productId(), line.categoryId(), line.quantity(), line.unitPriceMinor()))
            .toList();
    }
}
