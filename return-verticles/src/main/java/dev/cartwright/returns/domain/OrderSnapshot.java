package dev.cartwright.returns.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An order as the Return Service knows it, from the order events (or the Order service when no event arrived yet):
 * its owner, whether and when it was delivered, its lines and what it paid.
 *
 * @param status "shipped" or "delivered" (or whatever else the Order service reports)
 */
public record OrderSnapshot(String orderId, String customerId, String status, String currency, List<OrderLine> lines, long shipping,
                            long grandTotal, String paymentReference, Optional<Instant> deliveredAt) {

    public static final String DELIVERED = "delivered";

    public OrderSnapshot {
        lines = List.copyOf(lines);
    }

    public boolean delivered() {
        return DELIVERED.equals(status) && deliveredAt.isPresent();
    }

    public Optional<OrderLine> line(String orderItemId) {
        return lines.stream().filter(l -> l.orderItemId().equals(orderItemId)).findFirst();
    }

    /** The order as the refund calculator needs it. */
    public PaidOrder paid() {
        Map<String, PaidLine> paid = new LinkedHashMap<>();
        for (OrderLine l : lines) {
            paid.put(l.orderItemId(), new PaidLine(l.orderItemId(), l.quantity(), l.total()));
        }
        return new PaidOrder(currency, paid, shipping, grandTotal);
    }
}
