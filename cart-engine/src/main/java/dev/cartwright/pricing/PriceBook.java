package dev.cartwright.pricing;

import java.util.Collection;
import java.util.Collections;
import java.util.Currency;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable price book of one currency: product id to {@link PriceEntry}.
 *
 * <p>Changes never mutate a book; {@link #withEntries} and {@link #withoutProducts} build a new one
 * (copy-on-write), which the pricing core then swaps in whole.
 */
public final class PriceBook {

    private final Currency currency;
    private final Map<String, PriceEntry> entries;

    private PriceBook(Currency currency, Map<String, PriceEntry> entries) {
        this.currency = currency;
        this.entries = entries;
    }

    public static PriceBook empty(Currency currency) {
        return new PriceBook(Objects.requireNonNull(currency, "currency"), Map.of());
    }

    /**
     * A book holding {@code entries}; a later entry for the same product replaces an earlier one.
     *
     * @throws CurrencyMismatchException if an entry is priced in another currency
     */
    public static PriceBook of(Currency currency, Collection<PriceEntry> entries) {
        return empty(currency).withEntries(entries);
    }

    /** A new book with {@code changed} entries added or replacing those of the same product. */
    public PriceBook withEntries(Collection<PriceEntry> changed) {
        Map<String, PriceEntry> copy = new HashMap<>(entries);
        for (PriceEntry entry : changed) {
            Money price = entry.unitPrice();
            if (!price.currency().equals(currency)) {
                throw new CurrencyMismatchException(currency, price.currency());
            }
            copy.put(entry.productId(), entry);
        }
        return new PriceBook(currency, Collections.unmodifiableMap(copy));
    }

    /** A new book without the given products. */
    public PriceBook withoutProducts(Collection<String> productIds) {
        Map<String, PriceEntry> copy = new HashMap<>(entries);
        for (String productId : productIds) {
            copy.remove(productId);
        }
        return new PriceBook(currency, Collections.unmodifiableMap(copy));
    }

    public Currency currency() {
        return currency;
    }

    public Optional<PriceEntry> find(String productId) {
        return Optional.ofNullable(entries.get(productId));
    }

    /** The entry of {@code productId}, or null when the book does not list it (allocation-free lookup). */
    public PriceEntry entryOrNull(String productId) {
        return entries.get(productId);
    }

    public int size() {
        return entries.size();
    }

    /** All entries, unmodifiable, in no particular order. */
    public Collection<PriceEntry> entries() {
        return entries.values();
    }
}
