package dev.cartwright.pricing;

import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Map;

/** A small shop for hand-computed examples: three products, an inclusive and an exclusive tax region. */
final class PricingFixtures {

    static final Currency EUR = Currency.getInstance("EUR");
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final String INCLUSIVE_REGION = "DE";
    static final String EXCLUSIVE_REGION = "US-OR";

    static final PricingLine TEE_X2 = new PricingLine("tee", "apparel", 2, 2000);
    static final PricingLine MUG_X1 = new PricingLine("mug", "kitchen", 1, 800);
    static final PricingLine BOOK_X1 = new PricingLine("book", "books", 1, 1200);

    private PricingFixtures() {
    }

    static PriceBook book() {
        return PriceBook.of(EUR, List.of(
            new PriceEntry("tee", Money.of(2000, EUR), "apparel", true, PriceEntry.STANDARD_TAX_CLASS),
            new PriceEntry("mug", Money.of(800, EUR), "kitchen", true, PriceEntry.STANDARD_TAX_CLASS),
            new PriceEntry("cup", Money.of(500, EUR), "kitchen", true, PriceEntry.STANDARD_TAX_CLASS),
            new PriceEntry("book", Money.of(1200, EUR), "books", true, "reduced")));
    }

    /** Germany: 19 % standard, 7 % reduced, prices include tax. A US state: 8 % on everything, added on top. */
    static TaxTable taxTable() {
        return TaxTable.of(Map.of(
            INCLUSIVE_REGION, RegionTax.inclusive(1900).withClassRate("reduced", 700),
            EXCLUSIVE_REGION, RegionTax.exclusive(800)));
    }

    static PricingSnapshot snapshot(int maxPerCart, Promotion... promotions) {
        return PricingSnapshot.initial(book(), PromotionSet.of(maxPerCart, List.of(promotions)), taxTable(), CartLimits.defaults());
    }

    static PricingSnapshot snapshot(Promotion... promotions) {
        return snapshot(PromotionSet.DEFAULT_MAX_PER_CART, promotions);
    }

    static PricingRequest request(String region, long shipping, List<String> codes, PricingLine... lines) {
        return new PricingRequest(List.of(lines), codes, region, shipping, Map.of(), NOW);
    }

    static Promotion promotion(String code, PromotionRule rule) {
        return Promotion.simple(code, rule, EUR);
    }

    static Money eur(long minor) {
        return Money.of(minor, EUR);
    }
}
