package dev.cartwright.checkout.catalogue;

import dev.cartwright.pricing.PricingSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One immutable view of what the shop sells at one moment: the pricing snapshot (prices, sellability, promotions, tax,
 * limits), each product's display name and what the warehouse last said is available. A request reads one of these and
 * uses it throughout, so it never prices a product from one update next to a name or a stock level from another.
 */
public record CatalogueSnapshot(PricingSnapshot pricing, Map<String, String> names, Map<String, Integer> stock) {

    public CatalogueSnapshot {
        Objects.requireNonNull(pricing, "pricing");
        names = Map.copyOf(names);
        stock = Map.copyOf(stock);
    }

    /** The name of {@code productId} as the catalog last gave it, or "" when it gave none. */
    public String nameOf(String productId) {
        String name = names.get(productId);
        return name == null ? "" : name;
    }

    /** Units available of {@code productId}, or empty when the warehouse never told us about it. */
    public OptionalInt available(String productId) {
        Integer n = stock.get(productId);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    public CatalogueSnapshot withPricing(PricingSnapshot newPricing) {
        return new CatalogueSnapshot(newPricing, names, stock);
    }

    public CatalogueSnapshot withName(String productId, String name) {
        return new CatalogueSnapshot(pricing, with(names, productId, name), stock);
    }

    /** A level below zero is recorded as zero: nothing can be taken from it. */
    public CatalogueSnapshot withStock(String productId, int available) {
        return new CatalogueSnapshot(pricing, names, with(stock, productId, Math.max(0, available)));
    }

    private static <V> Map<String, V> with(Map<String, V> map, String key, V value) {
        Map<String, V> copy = new HashMap<>(map);
        copy.put(key, value);
        return copy;
    }
}
