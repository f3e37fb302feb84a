package dev.cartwright.checkout.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What ConfirmCheckout answers once the checkout is COMPLETED, the first time and on every retry: the placed order with
 * the checkout's lines and totals, in minor units of {@code currency}.
 *
 * @param customerId             empty for a guest checkout
 * @param paymentAuthorizationId empty when there was nothing to pay
 */
public record ConfirmedOrder(String orderId, String checkoutId, Optional<String> customerId, String status, List<Line> lines,
                             CheckoutTotals totals, String currency, Optional<String> paymentAuthorizationId, Instant createdAt) {

    /** One line of the order: the checkout's frozen line with the item id the Order service gave it (if it gave one). */
    public record Line(Optional<String> orderItemId, String productId, int quantity, long unitPrice, long total) {
        public Line {
            Objects.requireNonNull(orderItemId, "orderItemId");
            Objects.requireNonNull(productId, "productId");
        }
    }

    public ConfirmedOrder {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(checkoutId, "checkoutId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(status, "status");
        lines = List.copyOf(lines);
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(paymentAuthorizationId, "paymentAuthorizationId");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * The order {@code placed} for a checkout with these lines and totals; created when the Order service says it was,
     * else at {@code confirmedAt}.
     */
    public static ConfirmedOrder of(String checkoutId, Optional<String> customerId, List<FrozenLine> frozen, CheckoutTotals totals,
                                    String currency, Optional<String> authorizationId, PlacedOrder placed, Instant confirmedAt) {
        List<Line> lines = new ArrayList<>(frozen.size());
        for (FrozenLine l : frozen) {
            lines.add(new Line(placed.itemFor(l.productId()), l.productId(), l.quantity(), l.unitPrice(), l.total()));
        }
        return new ConfirmedOrder(placed.orderId(), checkoutId, customerId, placed.status(), lines, totals, currency, authorizationId,
            placed.createdAt().orElse(confirmedAt));
    }
}
