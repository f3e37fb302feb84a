package dev.cartwright.checkout.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The order a checkout asks the Order service to place: idempotent on the checkout id, with each line's paid amounts
 * as the pricing core computed them, so a refund can later be prorated line by line.
 *
 * @param customerId     whom the order is for ({@link #orderCustomer} of the checkout)
 * @param billingAddress the billing address, or the shipping address when none was given
 */
public record OrderDraft(String checkoutId, String customerId, String currency, CheckoutTotals totals, List<FrozenLine> lines,
                         Optional<String> shippingMethodId, Optional<String> paymentReference,
                         Optional<PostalAddress> shippingAddress, Optional<PostalAddress> billingAddress) {

    public OrderDraft {
        Objects.requireNonNull(checkoutId, "checkoutId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(totals, "totals");
        lines = List.copyOf(lines);
        Objects.requireNonNull(shippingMethodId, "shippingMethodId");
        Objects.requireNonNull(paymentReference, "paymentReference");
        Objects.requireNonNull(shippingAddress, "shippingAddress");
        Objects.requireNonNull(billingAddress, "billingAddress");
    }

    /** The idempotency key of placing the order: the checkout id, so a retry returns the same order. */
    public String idempotencyKey() {
        return checkoutId;
    }

    /**
     * The customer an order (and a payment) is placed for. A guest checkout has none; the order is placed for
     * {@code "guest-" + checkout id} then, since the Order service requires one.
     */
    public static String orderCustomer(String checkoutId, Optional<String> customerId) {
        return customerId.orElseGet(() -> "guest-" + checkoutId);
    }
}
