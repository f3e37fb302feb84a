package dev.cartwright.checkout.catalogue;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owns what the warehouse last said is available of each product: an immutable map behind an
 * {@link AtomicReference}, replaced whole on every change, in the same style as the pricing core. Readers on
 * any event loop see a complete map without locks; the one writer (the stock event consumer, or the start-up
 * load) copies and swaps.
 */
public final class StockLevels {

    private final AtomicReference<Map<String, Integer>> levels = new AtomicReference<>(Map.of());

    /** Units available of {@code productId}, or empty when the warehouse never told us about it. */
    public OptionalInt available(String productId) {
        Integer n = levels.get().get(productId);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /** Replaces every level (the start-up load). */
    public void replaceAll(Map<String, Integer> all) {
        levels.set(Map.copyOf(all));
    }

    /** Sets one product's level (a stock.changed event). */
    public void set(String productId, int available) {
        levels.updateAndGet(current -> {
            Map<String, Integer> copy = new HashMap<>(current);
            copy.put(productId, Math.max(0, available));
            return Map.copyOf(copy);
        });
    }

    public int size() {
        return levels.get().size();
    }
}
