package dev.cartwright.checkout.catalogue;

import dev.cartwright.pricing.PricingCore;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Owns the current {@link CatalogueSnapshot} and swaps in its successors without locks, as the pricing core does for
 * prices alone: readers take {@link #current()} (one volatile read) and keep that snapshot for the whole request;
 * writers build a complete successor and publish it with one compare-and-set. A change function may run more than once
 * when writers race, so it must have no side effects.
 *
 * <p>The pricing part of every new snapshot is also handed to the {@link PricingCore}, which stays the source of prices
 * for the readers that need nothing else (checkout pricing); in the service this is the core's only writer.
 */
public final class Catalogue {

    private final PricingCore pricing;
    private final AtomicReference<CatalogueSnapshot> current;

    /** A catalogue holding the core's current prices, and no names or stock levels yet. */
    public Catalogue(PricingCore pricing) {
        this.pricing = Objects.requireNonNull(pricing, "pricing");
        this.current = new AtomicReference<>(new CatalogueSnapshot(pricing.current(), Map.of(), Map.of()));
    }

    /** The snapshot in force now. Hold on to it for the duration of one request. */
    public CatalogueSnapshot current() {
        return current.get();
    }

    /** The core the prices of this catalogue are published to (its working memory prices carts without allocating). */
    public PricingCore pricing() {
        return pricing;
    }

    /** Publishes {@code change(current)} as the new snapshot, and its prices to the pricing core. */
    public CatalogueSnapshot update(UnaryOperator<CatalogueSnapshot> change) {
        CatalogueSnapshot next = current.updateAndGet(change);
        pricing.publish(next.pricing());
        return next;
    }
}
