package dev.cartwright.pricing;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Owns the current {@link PricingSnapshot} and swaps in its successors, without locks.
 *
 * <p>Readers call {@link #current()} (one volatile read) and keep using that snapshot for a whole calculation,
 * so they never block and never see half an update. Writers build a complete new snapshot and publish it with
 * one compare-and-set ({@link AtomicReference#updateAndGet}); a writer that loses a race rebuilds from the
 * newer snapshot, so concurrent incremental changes are never lost. Change functions may therefore run more
 * than once and must not have side effects. In production one consumer of price events writes; the rest read.
 */
public final class PricingCore {

    private final AtomicReference<PricingSnapshot> current;
    /** Working memory for totals, one per calling thread (event loops are few and long-lived). */
    private final ThreadLocal<TotalsScratch> scratch = ThreadLocal.withInitial(TotalsScratch::new);

    public PricingCore(PricingSnapshot initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    public PricingCore(PriceBook priceBook, PromotionSet promotions, TaxTable taxTable, CartLimits limits) {
        this(PricingSnapshot.initial(priceBook, promotions, taxTable, limits));
    }

    /** The snapshot in force now. Hold on to it for the duration of one calculation. */
    public PricingSnapshot current() {
        return current.get();
    }

    /**
     * Totals from the snapshot in force now; see {@link PricingSnapshot#totals}. Reuses this thread's working
     * memory, so it allocates nothing but the result.
     */
    public Totals totals(PricingRequest request) {
        return current.get().totals(request, scratch.get());
    }

    /**
     * Totals from a snapshot the caller already holds (so that what it builds around the totals, promotion
     * descriptions for instance, comes from the same snapshot), with this thread's working memory like
     * {@link #totals(PricingRequest)}.
     */
    public Totals totals(PricingSnapshot snapshot, PricingRequest request) {
        return snapshot.totals(request, scratch.get());
    }

    /** A promotion decision from the snapshot in force now; see {@link PricingSnapshot#checkPromotion}. */
    public PromotionDecision checkPromotion(String code, PricingRequest request) {
        return current.get().checkPromotion(code, request);
    }

    /** Replaces the whole price book. */
    public PricingSnapshot replacePriceBook(PriceBook book) {
        Objects.requireNonNull(book, "book");
        return update(snapshot -> snapshot.withPriceBook(book));
    }

    /** Replaces the whole promotion set. */
    public PricingSnapshot replacePromotions(PromotionSet promotions) {
        Objects.requireNonNull(promotions, "promotions");
        return update(snapshot -> snapshot.withPromotions(promotions));
    }

    /** Replaces the whole tax table. */
    public PricingSnapshot replaceTaxTable(TaxTable taxTable) {
        Objects.requireNonNull(taxTable, "taxTable");
        return update(snapshot -> snapshot.withTaxTable(taxTable));
    }

    public PricingSnapshot replaceLimits(CartLimits limits) {
        Objects.requireNonNull(limits, "limits");
        return update(snapshot -> snapshot.withLimits(limits));
    }

    /** Replaces book, promotions and tax table together, as one new version. */
    public PricingSnapshot replaceAll(PriceBook book, PromotionSet promotions, TaxTable taxTable) {
        Objects.requireNonNull(book, "book");
        Objects.requireNonNull(promotions, "promotions");
        Objects.requireNonNull(taxTable, "taxTable");
        return update(snapshot -> snapshot.next(book, promotions, taxTable, snapshot.limits()));
    }

    /** Adds or replaces the given price entries (new prices, new products, sellable changes). */
    public PricingSnapshot applyPriceChanges(Collection<PriceEntry> changed) {
        Collection<PriceEntry> copy = List.copyOf(changed);
        return update(snapshot -> snapshot.withPriceBook(snapshot.priceBook().withEntries(copy)));
    }

    /** Removes products from the price book. */
    public PricingSnapshot withdrawProducts(Collection<String> productIds) {
        Collection<String> copy = List.copyOf(productIds);
        return update(snapshot -> snapshot.withPriceBook(snapshot.priceBook().withoutProducts(copy)));
    }

    /** Adds or replaces {@code changed} promotions and removes {@code removedCodes}. */
    public PricingSnapshot applyPromotionChanges(Collection<Promotion> changed, Collection<String> removedCodes) {
        Collection<Promotion> changedCopy = List.copyOf(changed);
        Collection<String> removedCopy = List.copyOf(removedCodes);
        return update(snapshot -> snapshot.withPromotions(
            snapshot.promotions().withoutCodes(removedCopy).withPromotions(changedCopy)));
    }

    /** Sets the tax rules of one region. */
    public PricingSnapshot setRegionTax(String region, RegionTax tax) {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(tax, "tax");
        return update(snapshot -> snapshot.withTaxTable(snapshot.taxTable().withRegion(region, tax)));
    }

    /**
     * Makes {@code snapshot} the current one unless a newer one already is. For an owner that builds pricing snapshots
     * together with other data in one snapshot of its own (the checkout service's catalogue) and hands them on here to
     * the readers of prices alone; two such hand-overs racing leave the newer in force.
     */
    public PricingSnapshot publish(PricingSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        return current.accumulateAndGet(snapshot, (now, offered) -> offered.version() > now.version() ? offered : now);
    }

    /**
     * Publishes {@code change(current)} as the new snapshot. {@code change} must return a successor built with
     * the snapshot's {@code with...}/{@code next} methods, so the version grows.
     */
    public PricingSnapshot update(UnaryOperator<PricingSnapshot> change) {
        return current.updateAndGet(previous -> {
            PricingSnapshot successor = change.apply(previous);
            if (successor.version() <= previous.version()) {
                throw new IllegalStateException("a new snapshot must have a higher version than " + previous.version());
            }
            return successor;
        });
    }
}
