package dev.cartwright.checkout.domain;

import java.util.Objects;

/**
 * One rate the shipping neighbour quoted, as it quoted it: the checkout offers it as a {@link ShippingOption} only when
 * it is in the checkout's currency and not negative.
 */
public record ShippingQuote(String methodId, String name, long priceMinor, String currency, int estimatedDays) {

    public ShippingQuote {
        Objects.requireNonNull(methodId, "methodId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(currency, "currency");
    }
}
