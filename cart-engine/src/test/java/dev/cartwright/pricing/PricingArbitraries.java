package dev.cartwright.pricing;

import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators for the pricing properties: carts over a small pool of products and categories (so lines repeat
 * and promotions hit), promotions of every kind with random windows, minimums, limits and stacking flags.
 */
final class PricingArbitraries {

    static final Currency EUR = Currency.getInstance("EUR");
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final String INCLUSIVE_REGION = "IN";
    static final String EXCLUSIVE_REGION = "EX";
    static final List<String> PRODUCTS = List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7");
    static final List<String> CATEGORIES = List.of("c0", "c1", "c2");

    private PricingArbitraries() {
    }

    /** A cart and the snapshot to price it with. */
    record Scenario(PricingSnapshot snapshot, PricingRequest request) {
    }

    static Arbitrary<PricingLine> line() {
        return Combinators.combine(
            Arbitraries.of(PRODUCTS),
            Arbitraries.of(CATEGORIES),
            // Small quantities and a few common prices half the time, so lines tie on weight and remainder and
            // the tie-breaks get exercised; the full ranges the rest of the time.
            Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(1, 3)), Tuple.of(1, Arbitraries.integers().between(1, 999))),
            Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(0L, 100L, 250L, 999L, 1000L)),
                Tuple.of(1, Arbitraries.longs().between(0, 250_000))))
            .as(PricingLine::new);
    }

    static Arbitrary<List<PricingLine>> lines() {
        return line().list().ofMaxSize(40);
    }

    static Arbitrary<Target> target() {
        return Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(Target.wholeOrder())),
            Tuple.of(1, Arbitraries.of(PRODUCTS).map(Target::product)),
            Tuple.of(2, Arbitraries.of(CATEGORIES).map(Target::category)));
    }

    static Arbitrary<PromotionRule> rule() {
        return Arbitraries.oneOf(
            Combinators.combine(Arbitraries.integers().between(1, 10_000), target()).as(PromotionRule.PercentOff::new),
            Combinators.combine(Arbitraries.longs().between(1, 2_000_000), target())
                .as((amount, target) -> new PromotionRule.AmountOff(Money.of(amount, EUR), target)),
            Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3), target())
                .as(PromotionRule.BuyXGetY::new),
            Arbitraries.just(new PromotionRule.FreeShipping()));
    }

    static Arbitrary<ValidityWindow> validity() {
        Arbitrary<Long> offsetHours = Arbitraries.longs().between(-48, 48);
        // Mostly valid now, so discounts happen; a quarter of windows are random and often miss NOW.
        return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(ValidityWindow.always())),
            Tuple.of(1, Combinators.combine(offsetHours, Arbitraries.longs().between(1, 72))
                .as((start, length) -> ValidityWindow.between(NOW.plus(Duration.ofHours(start)),
                    NOW.plus(Duration.ofHours(start + length))))));
    }

    static Arbitrary<Promotion> promotion(String code) {
        return Combinators.combine(
            rule(),
            validity(),
            Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0L)), Tuple.of(1, Arbitraries.longs().between(1, 3_000_000))),
            Arbitraries.of(1, 2, 3, Promotion.UNLIMITED),
            Arbitraries.integers().between(0, 4).map(n -> n > 0))
            .as((rule, validity, minimum, limit, combinable) ->
                new Promotion(code, code, rule, validity, Money.of(minimum, EUR), limit, combinable));
    }

    static Arbitrary<PromotionSet> promotionSet() {
        Arbitrary<List<Promotion>> promotions = Arbitraries.integers().between(1, 6).flatMap(count -> {
            List<Arbitrary<Promotion>> each = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                each.add(promotion("P" + i));
            }
            return Combinators.combine(each).as(list -> list);
        });
        return Combinators.combine(Arbitraries.integers().between(1, 4), promotions).as(PromotionSet::of);
    }

    /** Codes as a cart may carry them: known ones, unknown ones, now and then the same one twice. */
    static Arbitrary<List<String>> codes() {
        return Arbitraries.frequency(Tuple.of(4, "P0"), Tuple.of(4, "P1"), Tuple.of(3, "P2"), Tuple.of(2, "P3"), Tuple.of(1, "P4"),
            Tuple.of(1, "P5"), Tuple.of(1, "NOPE")).list().ofMinSize(1).ofMaxSize(5);
    }

    static Arbitrary<Map<String, Integer>> priorUsage() {
        return Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(Map.of())),
            Tuple.of(1, Arbitraries.maps(Arbitraries.of("P0", "P1", "P2", "P3", "P4", "P5"), Arbitraries.integers().between(0, 3))
                .ofMaxSize(6)));
    }

    static Arbitrary<TaxTable> taxTable() {
        Arbitrary<Integer> rate = Arbitraries.integers().between(0, 10_000).edgeCases(edges -> edges.add(0));
        return Combinators.combine(rate, rate, rate, rate, Arbitraries.of(
                RoundingMode.HALF_UP, RoundingMode.HALF_EVEN, RoundingMode.DOWN,
                RoundingMode.UP))
            .as((inclusive, inclusiveReduced, exclusive, exclusiveReduced, rounding) -> new TaxTable(Map.of(
                INCLUSIVE_REGION, RegionTax.inclusive(inclusive).withClassRate("reduced", inclusiveReduced),
                EXCLUSIVE_REGION, RegionTax.exclusive(exclusive).withClassRate("reduced", exclusiveReduced)), rounding));
    }

    /** Half the pool is taxed at the reduced rate; p7 is missing from the book (standard rate). */
    static PriceBook priceBook() {
        List<PriceEntry> entries = new ArrayList<>();
        for (int i = 0; i < PRODUCTS.size() - 1; i++) {
            entries.add(new PriceEntry(PRODUCTS.get(i), Money.of(1000L * (i + 1), EUR), CATEGORIES.get(i % CATEGORIES.size()), true,
                i % 2 == 0 ? PriceEntry.STANDARD_TAX_CLASS : "reduced"));
        }
        return PriceBook.of(EUR, entries);
    }

    static Arbitrary<Scenario> scenario() {
        return Combinators.combine(
            lines(),
            promotionSet(),
            codes(),
            priorUsage(),
            taxTable(),
            Arbitraries.of(INCLUSIVE_REGION, EXCLUSIVE_REGION),
            Arbitraries.longs().between(0, 20_000))
            .as((lines, promotions, codes, usage, taxes, region, shipping) -> new Scenario(
                PricingSnapshot.initial(priceBook(), promotions, taxes, CartLimits.defaults()),
                new PricingRequest(lines, codes, region, shipping, usage, NOW)));
    }
}
