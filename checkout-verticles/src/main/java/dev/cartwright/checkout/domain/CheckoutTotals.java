package dev.cartwright.checkout.domain;

/** The totals of a checkout in minor units of its currency, as last computed by the pricing core. */
public record CheckoutTotals(long subtotal, long discount, long shipping, long tax, long grandTotal, boolean taxInclusive,
                             int itemCount) {

    public static final CheckoutTotals ZERO = new CheckoutTotals(0, 0, 0, 0, 0, false, 0);

    /**
     * Whether the grand total is what its parts make: goods less discount, plus shipping, plus tax unless the prices
     * include it. A quote stored elsewhere (order_db) is confirmed as it stands only when it adds up.
     */
    public boolean addsUp() {
        long goods = subtotal - discount + shipping;
        return subtotal >= 0 && discount >= 0 && shipping >= 0 && tax >= 0 && grandTotal == (taxInclusive ? goods : goods + tax);
    }
}
