package dev.cartwright.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.pricing.PricingArbitraries.Scenario;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** Invariants of the totals calculation over random carts, promotions and tax tables. */
class TotalsProperties {

    private static final Comparator<LineTotal> BY_EVERY_FIELD = Comparator.comparing(LineTotal::productId)
        .thenComparing(LineTotal::categoryId)
        .thenComparingLong(LineTotal::unitPrice)
        .thenComparingInt(LineTotal::quantity)
        .thenComparingLong(LineTotal::lineDiscount)
        .thenComparingLong(LineTotal::orderDiscount)
        .thenComparingLong(LineTotal::tax)
        .thenComparingLong(LineTotal::total);

    @Provide
    Arbitrary<Scenario> scenarios() {
        return PricingArbitraries.scenario();
    }

    @Property
    void totalsAreNeverNegative(@ForAll("scenarios") Scenario scenario) {
        Totals totals = scenario.snapshot().totals(scenario.request());

        assertThat(List.of(totals.subtotal(), totals.lineDiscounts(), totals.orderDiscounts(), totals.shipping(),
            totals.shippingDiscount(), totals.tax(), totals.grandTotal())).allSatisfy(amount -> assertThat(amount).isNotNegative());
        for (LineTotal line : totals.lines()) {
            assertThat(List.of(line.subtotal(), line.lineDiscount(), line.orderDiscount(), line.tax(), line.total(),
                line.discountedAmount())).allSatisfy(amount -> assertThat(amount).isNotNegative());
        }
        assertThat(totals.applied()).allSatisfy(applied -> assertThat(applied.discount()).isNotNegative());
    }

    @Property
    void discountsNeverExceedWhatTheyApplyTo(@ForAll("scenarios") Scenario scenario) {
        Totals totals = scenario.snapshot().totals(scenario.request());

        for (LineTotal line : totals.lines()) {
            assertThat(line.lineDiscount()).isLessThanOrEqualTo(line.subtotal());
            assertThat(line.discount()).isLessThanOrEqualTo(line.subtotal());
        }
        assertThat(totals.orderDiscounts()).isLessThanOrEqualTo(totals.subtotal() - totals.lineDiscounts());
        assertThat(totals.discounts()).isLessThanOrEqualTo(totals.subtotal());
        assertThat(totals.shippingDiscount()).isLessThanOrEqualTo(scenario.request().shipping());
        assertThat(totals.shipping() + totals.shippingDiscount()).isEqualTo(scenario.request().shipping());
    }

    @Property
    void partsAddUpExactly(@ForAll("scenarios") Scenario scenario) {
        Totals totals = scenario.snapshot().totals(scenario.request());

        long subtotal = 0;
        long lineDiscounts = 0;
        long orderDiscounts = 0;
        long tax = 0;
        long lineTotals = 0;
        for (LineTotal line : totals.lines()) {
            assertThat(line.subtotal()).isEqualTo(line.unitPrice() * line.quantity());
            long expectedTotal = totals.taxMode() == TaxMode.EXCLUSIVE ? line.discountedAmount() + line.tax() : line.discountedAmount();
            assertThat(line.total()).isEqualTo(expectedTotal);
            subtotal += line.subtotal();
            lineDiscounts += line.lineDiscount();
            orderDiscounts += line.orderDiscount();
            tax += line.tax();
            lineTotals += line.total();
        }
        assertThat(totals.subtotal()).isEqualTo(subtotal);
        assertThat(totals.lineDiscounts()).isEqualTo(lineDiscounts);
        assertThat(totals.orderDiscounts()).isEqualTo(orderDiscounts);
        assertThat(totals.tax()).isEqualTo(tax);
        assertThat(totals.grandTotal()).isEqualTo(lineTotals + totals.shipping());
        long appliedSum = totals.applied().stream().mapToLong(AppliedPromotion::discount).sum();
        assertThat(appliedSum).isEqualTo(totals.lineDiscounts() + totals.orderDiscounts() + totals.shippingDiscount());
        assertThat(totals.applied().size() + totals.notApplied().size()).isEqualTo(scenario.request().promotionCodes().size());

        // The generators must reach every kind of discount often enough for these sums to mean something.
        Statistics.label("line discount").collect(totals.lineDiscounts() > 0);
        Statistics.label("order discount").collect(totals.orderDiscounts() > 0);
        Statistics.label("free shipping").collect(totals.shippingDiscount() > 0);
        Statistics.label("code not applied").collect(!totals.notApplied().isEmpty());
        Statistics.label("line discount").coverage(coverage -> coverage.check(true).percentage(p -> p >= 10));
        Statistics.label("order discount").coverage(coverage -> coverage.check(true).percentage(p -> p >= 15));
        Statistics.label("free shipping").coverage(coverage -> coverage.check(true).percentage(p -> p >= 4));
        Statistics.label("code not applied").coverage(coverage -> coverage.check(true).percentage(p -> p >= 20));
    }

    @Property
    void orderDiscountsAreAllocatedByLargestRemainder(@ForAll("scenarios") Scenario scenario) {
        Totals totals = scenario.snapshot().totals(scenario.request());
        List<LineTotal> lines = totals.lines();
        BigInteger discount = BigInteger.valueOf(totals.orderDiscounts());
        BigInteger totalWeight = BigInteger.ZERO;
        for (LineTotal line : lines) {
            totalWeight = totalWeight.add(BigInteger.valueOf(line.subtotal() - line.lineDiscount()));
        }
        if (totalWeight.signum() == 0) {
            assertThat(totals.orderDiscounts()).isZero();
            return;
        }
        // Each share is the floor of the exact share or one more; the ones that got one more had remainders
        // at least as large as every one that did not.
        BigInteger smallestRoundedUp = null;
        BigInteger largestRoundedDown = null;
        for (LineTotal line : lines) {
            BigInteger[] exact = discount.multiply(BigInteger.valueOf(line.subtotal() - line.lineDiscount()))
                .divideAndRemainder(totalWeight);
            long extra = line.orderDiscount() - exact[0].longValueExact();
            assertThat(extra).isBetween(0L, 1L);
            if (extra == 1) {
                assertThat(exact[1].signum()).isPositive();
                smallestRoundedUp = smallestRoundedUp == null ? exact[1] : smallestRoundedUp.min(exact[1]);
            } else {
                largestRoundedDown = largestRoundedDown == null ? exact[1] : largestRoundedDown.max(exact[1]);
            }
        }
        if (smallestRoundedUp != null && largestRoundedDown != null) {
            assertThat(smallestRoundedUp).isGreaterThanOrEqualTo(largestRoundedDown);
        }
    }

    @Property
    void theResultDoesNotDependOnLineOrder(@ForAll("scenarios") Scenario scenario, @ForAll Random random) {
        List<PricingLine> shuffled = new ArrayList<>(scenario.request().lines());
        Collections.shuffle(shuffled, random);

        Totals original = scenario.snapshot().totals(scenario.request());
        Totals reordered = scenario.snapshot().totals(scenario.request().withLines(shuffled));

        assertThat(reordered.subtotal()).isEqualTo(original.subtotal());
        assertThat(reordered.lineDiscounts()).isEqualTo(original.lineDiscounts());
        assertThat(reordered.orderDiscounts()).isEqualTo(original.orderDiscounts());
        assertThat(reordered.shipping()).isEqualTo(original.shipping());
        assertThat(reordered.tax()).isEqualTo(original.tax());
        assertThat(reordered.grandTotal()).isEqualTo(original.grandTotal());
        assertThat(reordered.applied()).isEqualTo(original.applied());
        assertThat(reordered.notApplied()).isEqualTo(original.notApplied());
        assertThat(sorted(reordered.lines())).isEqualTo(sorted(original.lines()));
        for (int i = 0; i < shuffled.size(); i++) {
            assertThat(reordered.lines().get(i).productId()).isEqualTo(shuffled.get(i).productId());
        }
    }

    @Property
    void taxIsTheRateOfTheDiscountedLineRoundedOnce(@ForAll("scenarios") Scenario scenario) {
        Totals totals = scenario.snapshot().totals(scenario.request());
        RegionTax region = scenario.snapshot().taxTable().regionOrNull(scenario.request().region());

        for (LineTotal line : totals.lines()) {
            PriceEntry entry = scenario.snapshot().priceBook().entryOrNull(line.productId());
            long rate = region.rateFor(entry == null ? null : entry.taxClass());
            long denominator = region.mode() == TaxMode.INCLUSIVE ? 10_000 + rate : 10_000;
            // |tax - net * rate / denominator| < 1: the only error is one rounding to a whole minor unit.
            BigInteger exactTimesDenominator = BigInteger.valueOf(line.discountedAmount()).multiply(BigInteger.valueOf(rate));
            BigInteger taxTimesDenominator = BigInteger.valueOf(line.tax()).multiply(BigInteger.valueOf(denominator));
            assertThat(exactTimesDenominator.subtract(taxTimesDenominator).abs()).isLessThan(BigInteger.valueOf(denominator));
        }
    }

    @Property
    void aCodeThatIsAcceptedIsAppliedByTotals(@ForAll("scenarios") Scenario scenario) {
        PricingRequest request = scenario.request();
        for (String code : List.of("P0", "P1", "P2", "P3", "NOPE")) {
            if (request.promotionCodes().contains(code)) {
                continue;
            }
            PromotionDecision decision = scenario.snapshot().checkPromotion(code, request);
            List<String> withCode = new ArrayList<>(request.promotionCodes());
            withCode.add(code);
            Totals totals = scenario.snapshot().totals(request.withPromotionCodes(withCode));

            if (decision instanceof PromotionDecision.Rejected rejected) {
                assertThat(totals.notApplied()).contains(rejected);
                assertThat(totals.applied()).extracting(AppliedPromotion::code).doesNotContain(code);
            } else {
                assertThat(totals.applied()).extracting(AppliedPromotion::code).contains(code);
            }
        }
    }

    @Property(tries = 300)
    void reusedWorkingMemoryGivesTheSameResultsAsFreshMemory(@ForAll("scenarioSequences") List<Scenario> scenarios) {
        // PricingCore reuses one scratch per thread; nothing may leak from one cart into the next.
        TotalsScratch reused = new TotalsScratch();
        for (Scenario scenario : scenarios) {
            Totals fresh = scenario.snapshot().totals(scenario.request());
            Totals again = TotalsCalculation.compute(scenario.snapshot(), scenario.request(), reused);

            assertThat(again).isEqualTo(fresh);
        }
    }

    @Provide
    Arbitrary<List<Scenario>> scenarioSequences() {
        return PricingArbitraries.scenario().list().ofMinSize(2).ofMaxSize(8);
    }

    private static List<LineTotal> sorted(List<LineTotal> lines) {
        List<LineTotal> copy = new ArrayList<>(lines);
        copy.sort(BY_EVERY_FIELD);
        return copy;
    }
}
