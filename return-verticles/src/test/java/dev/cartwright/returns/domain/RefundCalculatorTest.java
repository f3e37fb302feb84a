package dev.cartwright.returns.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefundCalculatorTest {

    private final RefundCalculator calculator = new RefundCalculator(1000);

    /** Line 1: 3 units paid 1000 in all (333.33 each); line 2: 1 unit paid 2599; shipping 499; total 4098. */
    private final PaidOrder order = new PaidOrder("USD",
        Map.of("1", new PaidLine("1", 3, 1000), "2", new PaidLine("2", 1, 2599)), 499, 4098);

    private RefundQuote quote(List<ReturnedUnits> units, RefundHistory history) {
        RefundOutcome outcome = calculator.quote(order, units, history);
        assertThat(outcome).isInstanceOf(RefundOutcome.Quoted.class);
        return ((RefundOutcome.Quoted) outcome).quote();
    }

    @Test
    void partialReturnsOfOneLineAddUpToExactlyWhatItPaid() {
        RefundQuote first = quote(List.of(new ReturnedUnits("1", 1, ReturnReason.OTHER)), RefundHistory.NONE);
        // floor(1000 * 1 / 3) = 333
        assertThat(first.total()).isEqualTo(333);
        RefundQuote second = quote(List.of(new ReturnedUnits("1", 1, ReturnReason.OTHER)), new RefundHistory(Map.of("1", 1), 333, false));
        // floor(1000 * 2 / 3) - 333 = 666 - 333
        assertThat(second.total()).isEqualTo(333);
        RefundQuote third = quote(List.of(new ReturnedUnits("1", 1, ReturnReason.OTHER)), new RefundHistory(Map.of("1", 2), 666, false));
        assertThat(third.total()).isEqualTo(334);
        assertThat(first.total() + second.total() + third.total()).isEqualTo(1000);
    }

    @Test
    void theShopsFaultRefundsShippingOnce() {
        RefundQuote withShipping = quote(List.of(new ReturnedUnits("2", 1, ReturnReason.DEFECTIVE)), RefundHistory.NONE);
        assertThat(withShipping.shipping()).isEqualTo(499);
        assertThat(withShipping.total()).isEqualTo(2599 + 499);
        RefundQuote again = quote(List.of(new ReturnedUnits("1", 3, ReturnReason.DAMAGED)),
            new RefundHistory(Map.of("2", 1), 3098, true));
        assertThat(again.shipping()).isZero();
        assertThat(again.total()).isEqualTo(1000);
    }

    @Test
    void aChangeOfMindKeepsTheRestockingFeeRoundedDown() {
        RefundQuote q = quote(List.of(new ReturnedUnits("2", 1, ReturnReason.CHANGED_MIND)), RefundHistory.NONE);
        // 10% of 2599 = 259.9, kept 259
        assertThat(q.lines().get(0).restockingFee()).isEqualTo(259);
        assertThat(q.total()).isEqualTo(2599 - 259);
        assertThat(q.shipping()).isZero();
    }

    @Test
    void neverMoreThanThePaidTotalMinusWhatWasRefunded() {
        RefundQuote q = quote(List.of(new ReturnedUnits("2", 1, ReturnReason.DEFECTIVE)), new RefundHistory(Map.of(), 4000, false));
        assertThat(q.total()).isEqualTo(98);
        assertThat(q.cappedBy()).isEqualTo(2599 + 499 - 98);
    }

    @Test
    void unknownItemsAndTooManyUnitsAreRefused() {
        assertThat(calculator.quote(order, List.of(new ReturnedUnits("9", 1, ReturnReason.OTHER)), RefundHistory.NONE))
            .isEqualTo(new RefundOutcome.Refused("9", "order has no item 9"));
        RefundHistory twoBack = new RefundHistory(Map.of("1", 2), 0, false);
        assertThat(calculator.quote(order, List.of(new ReturnedUnits("1", 2, ReturnReason.OTHER)), twoBack))
            .isInstanceOf(RefundOutcome.Refused.class);
        assertThat(calculator.quote(order,
            List.of(new ReturnedUnits("1", 1, ReturnReason.OTHER), new ReturnedUnits("1", 1, ReturnReason.OTHER)), RefundHistory.NONE))
            .isInstanceOf(RefundOutcome.Refused.class);
    }

    @Test
    void feesOutsideZeroToOneHundredPercentAreRejected() {
        assertThatThrownBy(() -> new RefundCalculator(10_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RefundCalculator(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hugeAmountsDoNotOverflowTheShare() {
        PaidLine line = new PaidLine("x", 7, Long.MAX_VALUE / 2);
        assertThat(RefundCalculator.cumulativeShare(line, 7)).isEqualTo(Long.MAX_VALUE / 2);
        assertThat(RefundCalculator.cumulativeShare(line, 0)).isZero();
    }
}
