package dev.cartwright.checkout.domain;

import java.util.Objects;

/**
 * A shipping or billing address as the checkout stores it; optional parts are "" when absent. The edge checks the
 * shape of each part before one is built.
 *
 * @param countryCode ISO 3166-1 alpha-2, upper case
 */
public record PostalAddress(String name, String line1, String line2, String city, String region, String postalCode,
                            String countryCode, String phone) {

    public PostalAddress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(line1, "line1");
        Objects.requireNonNull(line2, "line2");
        Objects.requireNonNull(city, "city");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(postalCode, "postalCode");
        Objects.requireNonNull(countryCode, "countryCode");
        Objects.requireNonNull(phone, "phone");
    }
}
