package dev.cartwright.returns.domain;

import java.util.Map;

/**
 * What earlier refunds of one order already gave back: units per order line, the money in all, and whether the
 * shipping was among it.
 */
public record RefundHistory(Map<String, Integer> unitsRefunded, long amountRefunded, boolean shippingRefunded) {

    public static final RefundHistory NONE = new RefundHistory(Map.of(), 0, false);

    public RefundHistory {
        unitsRefunded = Map.copyOf(unitsRefunded);
        if (amountRefunded < 0) {
            throw new IllegalArgumentException("amountRefunded must not be negative");
        }
    }

    public int unitsRefunded(String orderItemId) {
        return unitsRefunded.getOrDefault(orderItemId, 0);
    }
}
