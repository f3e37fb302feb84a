package dev.cartwright.checkout.domain;

/** The totals of a checkout in minor units of its currency, as last computed by the pricing core. */
public record CheckoutTotals(long subtotal, long discount, long shipping, long tax, long grandTotal, boolean taxInclusive,
                             int itemCount) {

    public static final CheckoutTotals ZERO = new CheckoutTotals(0, 0, 0, 0, 0, false, 0);
}
