package dev.cartwright.pricing;

import java.util.Currency;
import java.util.List;

/**
 * The totals of one cart, computed from one pricing snapshot. All amounts are minor units of {@link #currency}.
 *
 * <p>Invariants: no amount is negative; {@code lineDiscounts + orderDiscounts <= subtotal};
 * the lines' order discounts add up to {@code orderDiscounts} exactly; {@code tax} is the sum of line taxes;
 * {@code grandTotal} is the sum of line totals plus {@code shipping}.
 *
 * @param snapshotVersion the version of the snapshot the totals were computed from (checkout freezes it)
 * @param lines one entry per request line, in request order
 * @param subtotal the sum of line subtotals, before any discount
 * @param lineDiscounts discounts of product and category promotions
 * @param orderDiscounts discounts of whole-order promotions
 * @param shipping the shipping charged, after any free-shipping promotion
 * @param shippingDiscount the shipping waived by a free-shipping promotion
 * @param tax the tax on the discounted lines (contained in the prices when {@code taxMode} is inclusive)
 * @param grandTotal what the customer pays
 * @param applied the promotions that took effect, in the order their codes were applied
 * @param notApplied the codes that did not take effect and why (expired since they were applied, ...)
 */
public record Totals(
    long snapshotVersion,
    Currency currency,
    TaxMode taxMode,
    List<LineTotal> lines,
    long subtotal,
    long lineDiscounts,
    long orderDiscounts,
    long shipping,
    long shippingDiscount,
    long tax,
    long grandTotal,
    List<AppliedPromotion> applied,
    List<PromotionDecision.Rejected> notApplied) {

    /** All discounts on goods: line-level plus order-level (shipping waived is not included). */
    public long discounts() {
        return lineDiscounts + orderDiscounts;
    }

    /** How many units the cart holds, over all lines. */
    public int itemCount() {
        int count = 0;
        for (LineTotal line : lines) {
            count += line.quantity();
        }
        return count;
    }

    /** {@code amount} minor units as money of this result's currency. */
    public Money money(long amount) {
        return Money.of(amount, currency);
    }

    public Money grandTotalMoney() {
        return money(grandTotal);
    }
}
