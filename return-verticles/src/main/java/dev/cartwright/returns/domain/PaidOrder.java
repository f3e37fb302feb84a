package dev.cartwright.returns.domain;

import java.util.Map;

/**
 * What an order cost its customer, in minor units of {@code currency}: its lines by order item id, the shipping it
 * paid, and the grand total (the most that can ever be refunded for it).
 */
public record PaidOrder(String currency, Map<String, PaidLine> lines, long shippingPaid, long totalPaid) {

    public PaidOrder {
        lines = Map.copyOf(lines);
        if (shippingPaid < 0 || totalPaid < 0) {
            throw new IllegalArgumentException("amounts must not be negative");
        }
    }
}
