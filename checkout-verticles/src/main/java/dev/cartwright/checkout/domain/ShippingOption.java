package dev.cartwright.checkout.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One shipping method the shipping neighbour offered for a checkout's destination, priced in minor units. */
public record ShippingOption(String methodId, String name, long priceMinor, String currency, int estimatedDays) {

    /** Cheapest first; among equally cheap, the faster; then by id, so the choice is stable. */
    public static final Comparator<ShippingOption> CHEAPEST = Comparator.comparingLong(ShippingOption::priceMinor)
        .thenComparingInt(ShippingOption::estimatedDays)
        .thenComparing(ShippingOption::methodId);

    public ShippingOption {
        Objects.requireNonNull(methodId, "methodId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(currency, "currency");
        if (priceMinor < 0) {
            throw new IllegalArgumentException("priceMinor must not be negative: " + priceMinor);
        }
    }

    public static Optional<ShippingOption> cheapest(List<ShippingOption> options) {
        return options.stream().min(CHEAPEST);
    }

    public static Optional<ShippingOption> find(List<ShippingOption> options, String methodId) {
        return options.stream().filter(o -> o.methodId.equals(methodId)).findFirst();
    }
}
