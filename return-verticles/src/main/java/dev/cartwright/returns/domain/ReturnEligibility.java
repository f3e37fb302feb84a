package dev.cartwright.returns.domain;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Owns the rules for whether items of an order may be returned: only a delivered order; each item within its
 * category's window from delivery; never more units than bought minus those already returned or in an open
 * return; each order item once per request. Pure: the caller brings the order, the units already claimed and the
 * time.
 */
public final class ReturnEligibility {

    private final ReturnWindow window;

    public ReturnEligibility(ReturnWindow window) {
        this.window = window;
    }

    public ReturnWindow window() {
        return window;
    }

    /**
     * @param claimed units per order item already returned or in open returns of this order
     */
    public Eligibility check(OrderSnapshot order, List<RequestedItem> items, Map<String, Integer> claimed, Instant now) {
        if (!order.delivered()) {
            String status = order.status().isEmpty() ? "not delivered" : order.status();
            return notAllowed("order_id", "order " + order.orderId() + " is " + status + "; only delivered orders can be returned");
        }
        Instant deliveredAt = order.deliveredAt().orElseThrow();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            RequestedItem item = items.get(i);
            String at = "items[" + i + "]";
            Optional<OrderLine> found = order.line(item.orderItemId());
            if (found.isEmpty()) {
                return bad(at + ".order_item_id", "order " + order.orderId() + " has no item " + item.orderItemId());
            }
            if (!seen.add(item.orderItemId())) {
                return bad(at + ".order_item_id", "item " + item.orderItemId() + " appears more than once");
            }
            OrderLine line = found.get();
            if (item.quantity() > line.quantity()) {
                return bad(at + ".quantity", "only " + line.quantity() + " of item " + item.orderItemId() + " were bought");
            }
            Instant closes = window.closesAt(deliveredAt, line.categoryId());
            if (now.isAfter(closes)) {
                return notAllowed(at, "the return window for item " + item.orderItemId() + " closed at " + closes
                    + " (" + window.forCategory(line.categoryId()).toDays() + " days from delivery)");
            }
            int left = line.quantity() - claimed.getOrDefault(item.orderItemId(), 0);
            if (item.quantity() > left) {
                return notAllowed(at + ".quantity", "only " + Math.max(left, 0) + " of " + line.quantity() + " units of item "
                    + item.orderItemId() + " can still be returned (the rest are returned or in an open return)");
            }
        }
        return new Eligibility.Eligible();
    }

    private static Eligibility bad(String field, String message) {
        return new Eligibility.NotEligible(Eligibility.Problem.BAD_INPUT, field, message);
    }

    private static Eligibility notAllowed(String field, String message) {
        return new Eligibility.NotEligible(Eligibility.Problem.NOT_ALLOWED, field, message);
    }
}
