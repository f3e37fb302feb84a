package dev.cartwright.returns.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** How long after delivery an item may be returned: one default, and per category where the shop says otherwise. */
public record ReturnWindow(Duration standard, Map<String, Duration> byCategory) {

    public ReturnWindow {
        if (standard.isNegative()) {
            throw new IllegalArgumentException("return window must not be negative");
        }
        byCategory = Map.copyOf(byCategory);
    }

    public Duration forCategory(String categoryId) {
        return categoryId == null ? standard : byCategory.getOrDefault(categoryId, standard);
    }

    /** The last moment an item of {@code categoryId} delivered at {@code deliveredAt} may be returned. */
    public Instant closesAt(Instant deliveredAt, String categoryId) {
        return deliveredAt.plus(forCategory(categoryId));
    }
}
