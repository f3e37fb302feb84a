package dev.cartwright.pricing;

import java.util.Currency;
import java.util.Objects;

/**
 * One immutable, self-consistent view of everything prices depend on: the price book, the promotion set, the
 * tax table and the cart limits, stamped with a version that grows by one with every change.
 *
 * <p>A snapshot never changes; "changing" one builds its successor. Because readers hold a whole snapshot,
 * they can never see a new price book next to an old promotion set.
 */
public final class PricingSnapshot {

    private final long version;
    private final PriceBook priceBook;
    private final PromotionSet promotions;
    private final TaxTable taxTable;
    private final CartLimits limits;

    private PricingSnapshot(long version, PriceBook priceBook, PromotionSet promotions, TaxTable taxTable, CartLimits limits) {
        this.version = version;
        this.priceBook = Objects.requireNonNull(priceBook, "priceBook");
        this.promotions = Objects.requireNonNull(promotions, "promotions");
        this.taxTable = Objects.requireNonNull(taxTable, "taxTable");
        this.limits = Objects.requireNonNull(limits, "limits");
        requirePromotionsIn(priceBook.currency(), promotions);
    }

    /**
     * The first snapshot, version 1.
     *
     * @throws CurrencyMismatchException if a promotion's amounts are not in the price book's currency
     */
    public static PricingSnapshot initial(PriceBook priceBook, PromotionSet promotions, TaxTable taxTable, CartLimits limits) {
        return new PricingSnapshot(1, priceBook, promotions, taxTable, limits);
    }

    /** The successor of this snapshot holding the given parts, one version later. */
    public PricingSnapshot next(PriceBook newBook, PromotionSet newPromotions, TaxTable newTaxTable, CartLimits newLimits) {
        return new PricingSnapshot(Math.addExact(version, 1), newBook, newPromotions, newTaxTable, newLimits);
    }

    public PricingSnapshot withPriceBook(PriceBook newBook) {
        return next(newBook, promotions, taxTable, limits);
    }

    public PricingSnapshot withPromotions(PromotionSet newPromotions) {
        return next(priceBook, newPromotions, taxTable, limits);
    }

    public PricingSnapshot withTaxTable(TaxTable newTaxTable) {
        return next(priceBook, promotions, newTaxTable, limits);
    }

    public PricingSnapshot withLimits(CartLimits newLimits) {
        return next(priceBook, promotions, taxTable, newLimits);
    }

    /**
     * The totals of a cart priced with this snapshot. Pure: the same snapshot and request always give the same
     * result, whatever the order of the request's lines.
     *
     * <p>Codes that no longer apply (expired, minimum no longer met, ...) are not an error: they are left out
     * and listed in {@link Totals#notApplied()}.
     *
     * @throws IllegalArgumentException if the request breaks the cart limits or names a region the tax table
     *     does not know
     */
    public Totals totals(PricingRequest request) {
        return TotalsCalculation.compute(this, request, new TotalsScratch());
    }

    /** The same calculation with working memory the caller keeps for its thread (see {@link PricingCore#totals}). */
    Totals totals(PricingRequest request, TotalsScratch scratch) {
        return TotalsCalculation.compute(this, request, scratch);
    }

    /**
     * Decides whether {@code code} may be added to the cart described by {@code request}, whose
     * {@link PricingRequest#promotionCodes()} are the codes the cart already carries.
     */
    public PromotionDecision checkPromotion(String code, PricingRequest request) {
        return TotalsCalculation.check(this, code, request);
    }

    public long version() {
        return version;
    }

    public Currency currency() {
        return priceBook.currency();
    }

    public PriceBook priceBook() {
        return priceBook;
    }

    public PromotionSet promotions() {
        return promotions;
    }

    public TaxTable taxTable() {
        return taxTable;
    }

    public CartLimits limits() {
        return limits;
    }

    private static void requirePromotionsIn(Currency currency, PromotionSet promotions) {
        for (Promotion promotion : promotions.promotions()) {
            Money minimum = promotion.minimumOrder();
            if (!minimum.currency().equals(currency)) {
                throw new CurrencyMismatchException(currency, minimum.currency());
            }
            if (promotion.rule() instanceof PromotionRule.AmountOff amountOff && !amountOff.amount().currency().equals(currency)) {
                throw new CurrencyMismatchException(currency, amountOff.amount().currency());
            }
        }
    }

    @Override
    public String toString() {
        return "PricingSnapshot[version=" + version + ", products=" + priceBook.size() + ", promotions=" + promotions.size()
            + ", regions=" + taxTable.regions().size() + "]";
    }
}
