package dev.cartwright.returns.domain;

/**
 * One order line as it was paid: {@code quantity} units for {@code totalPaid} minor units in all, after the line's
 * share of order discounts and with its tax.
 */
public record PaidLine(String orderItemId, int quantity, long totalPaid) {

    public PaidLine {
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be positive, was " + quantity);
        }
        if (totalPaid < 0) {
            throw new IllegalArgumentException("totalPaid must not be negative, was " + totalPaid);
        }
    }
}
