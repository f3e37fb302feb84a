package dev.cartwright.checkout.catalogue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owns the display name of each product as the catalog last gave it, which a cart line keeps from the moment
 * it is added. The price book carries prices and categories but no names; this is its companion, swapped whole
 * in the same way.
 */
public final class ProductNames {

    private final AtomicReference<Map<String, String>> names = new AtomicReference<>(Map.of());

    /** The name of {@code productId}, or "" when the catalog gave none. */
    public String nameOf(String productId) {
        String name = names.get().get(productId);
        return name == null ? "" : name;
    }

    public void replaceAll(Map<String, String> all) {
        names.set(Map.copyOf(all));
    }

    public void set(String productId, String name) {
        names.updateAndGet(current -> {
            Map<String, String> copy = new HashMap<>(current);
            copy.put(productId, name);
            return Map.copyOf(copy);
        });
    }
}
