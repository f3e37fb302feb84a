package dev.cartwright.checkout.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What every checkout holds whatever its state: the cart it froze (version, lines, codes, totals in the tax region),
 * where it goes (addresses, the shipping methods offered and the one chosen) and the stock held for it.
 *
 * @param customerId       empty for a guest cart's checkout
 * @param region           the tax region the totals were computed for
 * @param shippingMethodId the method chosen, if one was (ConfirmCheckout then takes the cheapest)
 */
public record CheckoutContents(String checkoutId, String cartId, Optional<String> customerId, long cartVersion, String currency,
                               String region, List<FrozenLine> lines, List<String> promotionCodes, CheckoutTotals totals,
                               Optional<PostalAddress> shippingAddress, Optional<PostalAddress> billingAddress,
                               List<ShippingOption> shippingMethods, Optional<String> shippingMethodId, String reservationId,
                               Optional<Instant> reservationExpiresAt, Instant createdAt) {

    public CheckoutContents {
        Objects.requireNonNull(checkoutId, "checkoutId");
        Objects.requireNonNull(cartId, "cartId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(region, "region");
        lines = List.copyOf(lines);
        promotionCodes = List.copyOf(promotionCodes);
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(shippingAddress, "shippingAddress");
        Objects.requireNonNull(billingAddress, "billingAddress");
        shippingMethods = List.copyOf(shippingMethods);
        Objects.requireNonNull(shippingMethodId, "shippingMethodId");
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(reservationExpiresAt, "reservationExpiresAt");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The shipping method chosen, if it is among those offered. */
    public Optional<ShippingOption> shippingMethod() {
        return shippingMethodId.flatMap(id -> ShippingOption.find(shippingMethods, id));
    }

    /**
     * Whether the totals are the Order service's quote: a shipping method is chosen that this service never offered. Only
     * a checkout imported from order_db is in that state (the Order service started it, or last quoted it after a
     * rollback, with its own shipping and tax); everything this service writes chooses among the methods it offered.
     * Such totals are the price the shopper was shown, so they are confirmed and charged as they stand, never repriced.
     */
    public boolean quotedByOrderService() {
        return shippingMethodId.isPresent() && shippingMethod().isEmpty();
    }

    /**
     * Whether this is a checkout the Order service started (it holds no stock reservation of this service's) for which
     * neither that service nor this one quoted shipping: its totals are goods only, and confirming it here would
     * silently add this service's shipping and tax to what the shopper was shown.
     */
    public boolean unquotedFromOrderService() {
        return reservationId.isEmpty() && shippingMethodId.isEmpty() && shippingMethods.isEmpty();
    }

    /**
     * The Order service's shipping as a method, for a checkout {@linkplain #quotedByOrderService() it quoted}: its id,
     * at the shipping cost of the quote.
     */
    public Optional<ShippingOption> quotedShipping() {
        return quotedByOrderService()
            ? Optional.of(new ShippingOption(shippingMethodId.get(), shippingMethodId.get(), totals.shipping(), currency, 0))
            : Optional.empty();
    }

    public CheckoutContents withPricing(String newRegion, List<FrozenLine> newLines, CheckoutTotals newTotals) {
        return new CheckoutContents(checkoutId, cartId, customerId, cartVersion, currency, newRegion, newLines, promotionCodes, newTotals,
            shippingAddress, billingAddress, shippingMethods, shippingMethodId, reservationId, reservationExpiresAt, createdAt);
    }

    public CheckoutContents withShipping(Optional<PostalAddress> address, List<ShippingOption> methods, Optional<String> methodId) {
        return new CheckoutContents(checkoutId, cartId, customerId, cartVersion, currency, region, lines, promotionCodes, totals,
            address, billingAddress, methods, methodId, reservationId, reservationExpiresAt, createdAt);
    }

    public CheckoutContents withBillingAddress(PostalAddress address) {
        return new CheckoutContents(checkoutId, cartId, customerId, cartVersion, currency, region, lines, promotionCodes, totals,
            shippingAddress, Optional.of(address), shippingMethods, shippingMethodId, reservationId, reservationExpiresAt, createdAt);
    }

    /** These contents holding stock under {@code id} until {@code expiresAt}. */
    public CheckoutContents withReservation(String id, Instant expiresAt) {
        return new CheckoutContents(checkoutId, cartId, customerId, cartVersion, currency, region, lines, promotionCodes, totals,
            shippingAddress, billingAddress, shippingMethods, shippingMethodId, id, Optional.of(expiresAt), createdAt);
    }

    public CheckoutContents withReservationExpiresAt(Instant expiresAt) {
        return new CheckoutContents(checkoutId, cartId, customerId, cartVersion, currency, region, lines, promotionCodes, totals,
            shippingAddress, billingAddress, shippingMethods, shippingMethodId, reservationId, Optional.of(expiresAt), createdAt);
    }
}
