package dev.cartwright.returns.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The calculator's promises over arbitrary orders and arbitrary sequences of partial returns: the refunds never add
 * up to more than was paid, and bringing everything back refunds exactly what was paid less the fees kept.
 */
class RefundCalculatorProperties {

    record Scenario(PaidOrder order, List<List<ReturnedUnits>> returns) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<long[]> line = Combinators.combine(Arbitraries.integers().between(1, 12), Arbitraries.longs().between(0, 5_000_000))
            .as((q, t) -> new long[] {q, t});
        return Combinators.combine(line.list().ofMinSize(1).ofMaxSize(5), Arbitraries.longs().between(0, 20_000),
                Arbitraries.longs().between(0, 100_000), Arbitraries.randomValue(r -> r.nextLong()))
            .as((lines, shipping, slack, seed) -> {
                Map<String, PaidLine> paid = new LinkedHashMap<>();
                long sum = 0;
                for (int i = 0; i < lines.size(); i++) {
                    PaidLine l = new PaidLine(Integer.toString(i + 1), (int) lines.get(i)[0], lines.get(i)[1]);
                    paid.put(l.orderItemId(), l);
                    sum += l.totalPaid();
                }
                PaidOrder order = new PaidOrder("EUR", paid, shipping, sum + shipping);
                return new Scenario(order, splitIntoReturns(order, new java.util.Random(seed)));
            });
    }

    /** Every unit of every line, returned in random chunks across random returns with random reasons. */
    private static List<List<ReturnedUnits>> splitIntoReturns(PaidOrder order, java.util.Random random) {
        Map<String, Integer> left = new HashMap<>();
        order.lines().values().forEach(l -> left.put(l.orderItemId(), l.quantity()));
        List<List<ReturnedUnits>> returns = new ArrayList<>();
        ReturnReason[] reasons = ReturnReason.values();
        while (left.values().stream().anyMatch(n -> n > 0)) {
            List<ReturnedUnits> one = new ArrayList<>();
            for (Map.Entry<String, Integer> e : left.entrySet()) {
                if (e.getValue() > 0 && random.nextBoolean()) {
                    int q = 1 + random.nextInt(e.getValue());
                    one.add(new ReturnedUnits(e.getKey(), q, reasons[random.nextInt(reasons.length)]));
                }
            }
            for (ReturnedUnits u : one) {
                left.merge(u.orderItemId(), -u.quantity(), Integer::sum);
            }
            if (!one.isEmpty()) {
                returns.add(one);
            }
        }
        return returns;
    }

    /** Runs the returns in order, feeding each one's refund into the history of the next. */
    private static List<RefundQuote> refundAll(RefundCalculator calculator, Scenario s) {
        RefundHistory history = RefundHistory.NONE;
        List<RefundQuote> quotes = new ArrayList<>();
        for (List<ReturnedUnits> units : s.returns()) {
            RefundOutcome outcome = calculator.quote(s.order(), units, history);
            assertThat(outcome).isInstanceOf(RefundOutcome.Quoted.class);
            RefundQuote q = ((RefundOutcome.Quoted) outcome).quote();
            quotes.add(q);
            Map<String, Integer> units2 = new HashMap<>(history.unitsRefunded());
            units.forEach(u -> units2.merge(u.orderItemId(), u.quantity(), Integer::sum));
            history = new RefundHistory(units2, history.amountRefunded() + q.total(), history.shippingRefunded() || q.refundsShipping());
        }
        return quotes;
    }

    @Property
    void refundsNeverExceedWhatWasPaid(@ForAll("scenarios") Scenario s, @ForAll @IntRange(min = 0, max = 10_000) int feeBp) {
        List<RefundQuote> quotes = refundAll(new RefundCalculator(feeBp), s);
        long refunded = 0;
        for (RefundQuote q : quotes) {
            assertThat(q.total()).isNotNegative();
            refunded += q.total();
            assertThat(refunded).isLessThanOrEqualTo(s.order().totalPaid());
        }
    }

    @Property
    void returningEverythingRefundsExactlyWhatWasPaidLessTheFees(@ForAll("scenarios") Scenario s,
                                                                 @ForAll @IntRange(min = 0, max = 10_000) int feeBp) {
        List<RefundQuote> quotes = refundAll(new RefundCalculator(feeBp), s);
        long refunded = 0;
        long fees = 0;
        boolean anyShopsFault = false;
        for (int i = 0; i < quotes.size(); i++) {
            refunded += quotes.get(i).total();
            fees += quotes.get(i).restockingFees();
            anyShopsFault |= s.returns().get(i).stream().anyMatch(u -> u.reason().shopsFault());
            assertThat(quotes.get(i).cappedBy()).isZero();
        }
        long lines = s.order().totalPaid() - s.order().shippingPaid();
        long shipping = anyShopsFault ? s.order().shippingPaid() : 0;
        assertThat(refunded).isEqualTo(lines - fees + shipping);
    }

    @Property
    void eachLineIsSharedOutExactlyWhateverTheSequence(@ForAll("scenarios") Scenario s) {
        List<RefundQuote> quotes = refundAll(new RefundCalculator(0), s);
        Map<String, Long> perLine = new HashMap<>();
        for (RefundQuote q : quotes) {
            for (LineRefund l : q.lines()) {
                perLine.merge(l.orderItemId(), l.paidShare(), Long::sum);
                PaidLine line = s.order().lines().get(l.orderItemId());
                // Every unit is within one minor unit of the line's average price.
                long lo = line.totalPaid() / line.quantity() * l.quantity();
                assertThat(l.paidShare()).isBetween(lo, lo + l.quantity());
            }
        }
        s.order().lines().values().forEach(l -> assertThat(perLine.get(l.orderItemId())).isEqualTo(l.totalPaid()));
    }

    @Property
    void theFeeIsNeverMoreThanItsShareOfTheUnits(@ForAll @IntRange(min = 1, max = 50) int q,
                                                  @ForAll @LongRange(min = 0, max = 10_000_000) long total,
                                                  @ForAll @IntRange(min = 0, max = 10_000) int feeBp) {
        PaidOrder order = new PaidOrder("USD", Map.of("1", new PaidLine("1", q, total)), 0, total);
        RefundQuote quote = ((RefundOutcome.Quoted) new RefundCalculator(feeBp)
            .quote(order, List.of(new ReturnedUnits("1", q, ReturnReason.CHANGED_MIND)), RefundHistory.NONE)).quote();
        assertThat(quote.lines().get(0).restockingFee()).isEqualTo(total * feeBp / 10_000);
        assertThat(quote.total()).isEqualTo(total - total * feeBp / 10_000);
    }
}
