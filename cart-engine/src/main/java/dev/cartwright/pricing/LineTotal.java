package dev.cartwright.pricing;

/**
 * The priced outcome of one cart line, in minor units, kept per line so a later refund of that line can be
 * prorated exactly.
 *
 * @param subtotal {@code quantity * unitPrice}
 * @param lineDiscount discounts of promotions that target this line's product or category
 * @param orderDiscount this line's share of order-level discounts, allocated to the last minor unit
 * @param tax the tax on {@code subtotal - discount()}: contained in it for inclusive regions, added to it for
 *     exclusive ones
 * @param total what the customer pays for the line: {@code subtotal - discount()}, plus {@code tax} when
 *     exclusive
 */
public record LineTotal(
    String productId,
    String categoryId,
    int quantity,
    long unitPrice,
    long subtotal,
    long lineDiscount,
    long orderDiscount,
    long tax,
    long total) {

    /** All discount on this line: its own plus its share of the order's. */
    public long discount() {
        return lineDiscount + orderDiscount;
    }

    /** The discounted amount the tax was computed on. */
    public long discountedAmount() {
        return subtotal - lineDiscount - orderDiscount;
    }
}
