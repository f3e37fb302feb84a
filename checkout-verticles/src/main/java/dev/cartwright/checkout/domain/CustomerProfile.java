package dev.cartwright.checkout.domain;

import java.util.Objects;
import java.util.Optional;

/** What the customer neighbour knows of a customer that a checkout uses: the name and the default delivery address. */
public record CustomerProfile(String name, Optional<PostalAddress> defaultAddress) {

    public CustomerProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultAddress, "defaultAddress");
    }
}
