package dev.cartwright.returns.domain;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Why this cannot be an order the shop made, or empty when it can: a missing id or owner, no lines, a line with
     * no units, a negative amount, or one item twice. Named after the event's fields, e.g. {@code items[0].quantity}.
     */
    public Optional<String> defect() {
        if (orderId.isBlank()) {
            return Optional.of("order_id is empty");
        }
        if (customerId.isBlank()) {
            return Optional.of("customer_id is empty");
        }
        if (lines.isEmpty()) {
            return Optional.of("items: the order has no lines");
        }
        if (shipping < 0) {
            return Optional.of("shipping must not be negative, was " + shipping);
        }
        if (grandTotal < 0) {
            return Optional.of("grand_total must not be negative, was " + grandTotal);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            OrderLine l = lines.get(i);
            String at = "items[" + i + "]";
            if (l.orderItemId().isBlank()) {
                return Optional.of(at + ".order_item_id is empty");
            }
            if (!seen.add(l.orderItemId())) {
                return Optional.of(at + ".order_item_id " + l.orderItemId() + " appears more than once");
            }
            if (l.quantity() < 1) {
                return Optional.of(at + ".quantity must be at least 1, was " + l.quantity());
            }
            if (l.unitPrice() < 0) {
                return Optional.of(at + ".unit_price must not be negative, was " + l.unitPrice());
            }
            if (l.total() < 0) {
                return Optional.of(at + ".total must not be negative, was " + l.total());
            }
        }
        return Optional.empty();
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
