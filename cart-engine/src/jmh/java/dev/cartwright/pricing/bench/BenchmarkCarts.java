package dev.cartwright.pricing.bench;

import dev.cartwright.pricing.CartLimits;
import dev.cartwright.pricing.Money;
import dev.cartwright.pricing.PriceBook;
import dev.cartwright.pricing.PriceEntry;
import dev.cartwright.pricing.PricingCore;
import dev.cartwright.pricing.PricingLine;
import dev.cartwright.pricing.PricingRequest;
import dev.cartwright.pricing.Promotion;
import dev.cartwright.pricing.PromotionRule;
import dev.cartwright.pricing.PromotionSet;
import dev.cartwright.pricing.RegionTax;
import dev.cartwright.pricing.TaxTable;
import dev.cartwright.pricing.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;

/**
 * The shop the benchmarks price carts in: 1 000 products over five categories, an inclusive region with a
 * reduced rate, and two promotions every cart carries (10 % off one category, 5.00 off the order).
 */
final class BenchmarkCarts {

    static final Currency EUR = Currency.getInstance("EUR");
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final List<String> CODES = List.of("CAT0-10", "SAVE5");

    private BenchmarkCarts() {
    }

    static PricingCore core() {
        List<PriceEntry> entries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            entries.add(new PriceEntry(productId(i), Money.of(price(i), EUR), categoryId(i), true,
                i % 4 == 0 ? "reduced" : PriceEntry.STANDARD_TAX_CLASS));
        }
        PromotionSet promotions = PromotionSet.of(3, List.of(
            Promotion.simple("CAT0-10", new PromotionRule.PercentOff(1000, Target.category("cat-0")), EUR),
            Promotion.simple("SAVE5", new PromotionRule.AmountOff(Money.of(500, EUR), Target.wholeOrder()), EUR)
                .withMinimumOrder(Money.of(500, EUR))));
        TaxTable taxes = TaxTable.of(Map.of(
            "DE", RegionTax.inclusive(1900).withClassRate("reduced", 700),
            "US-OR", RegionTax.exclusive(0)));
        return new PricingCore(PriceBook.of(EUR, entries), promotions, taxes, CartLimits.defaults());
    }

    /** A cart of {@code lines} different products, quantities 1 to 3, carrying both promotions. */
    static PricingRequest cart(int lines) {
        List<PricingLine> cartLines = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            cartLines.add(new PricingLine(productId(i), categoryId(i), 1 + i % 3, price(i)));
        }
        return new PricingRequest(cartLines, CODES, "DE", 495, Map.of(), NOW);
    }

    private static String productId(int i) {
        return String.format("sku-%04d", i);
    }

    private static String categoryId(int i) {
        return "cat-" + (i % 5);
    }

    private static long price(int i) {
        return 999 + 37L * i;
    }
}
