package dev.cartwright.pricing;

import java.util.Arrays;

/**
 * The working memory of one totals calculation: per-line amounts, sort orders and per-code results.
 *
 * <p>One instance serves one thread at a time. {@link PricingCore} keeps one per thread so the hot path
 * allocates nothing but its result; {@link PricingSnapshot#totals} makes a fresh one per call. The arrays only
 * grow, up to the largest cart priced on the thread (bounded by {@link CartLimits#maxLinesPerCart()}).
 */
final class TotalsScratch {

    long[] subtotals = new long[0];
    long[] lineDiscounts = new long[0];
    long[] orderDiscounts = new long[0];
    long[] weights = new long[0];
    long[] remainders = new long[0];
    long[] sortedRemainders = new long[0];
    int[] order = new int[0];
    int[] ties = new int[0];
    Promotion[] accepted = new Promotion[0];
    long[] promotionDiscounts = new long[0];

    /** Makes room for {@code lines} lines and {@code codes} codes, with every amount and promotion slot cleared. */
    TotalsScratch prepare(int lines, int codes) {
        if (subtotals.length < lines) {
            subtotals = new long[lines];
            lineDiscounts = new long[lines];
            orderDiscounts = new long[lines];
            weights = new long[lines];
            remainders = new long[lines];
            sortedRemainders = new long[lines];
            order = new int[lines];
            ties = new int[lines];
        } else {
            Arrays.fill(lineDiscounts, 0, lines, 0L);
            Arrays.fill(orderDiscounts, 0, lines, 0L);
        }
        if (accepted.length < codes) {
            accepted = new Promotion[codes];
            promotionDiscounts = new long[codes];
        } else {
            Arrays.fill(accepted, 0, codes, null);
            Arrays.fill(promotionDiscounts, 0, codes, 0L);
        }
        return this;
    }
}
