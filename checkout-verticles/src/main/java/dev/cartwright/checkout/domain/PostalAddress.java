package dev.cartwright.checkout.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * A shipping or billing address as the checkout stores it. The parts an address may lack are empty, never blank: an
 * edge that reads "" for a missing part (a protobuf field, a NULL column) builds one with {@link #of}. The edge
 * checks the shape of each part before one is built.
 *
 * @param name who receives the parcel ("" only in a customer's default address, which the checkout completes with
 *             the customer's name)
 * @param countryCode ISO 3166-1 alpha-2, upper case
 */
public record PostalAddress(String name, String line1, Optional<String> line2, String city, Optional<String> region,
                            Optional<String> postalCode, String countryCode, Optional<String> phone) {

    public PostalAddress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(line1, "line1");
        line2 = present(line2, "line2");
        Objects.requireNonNull(city, "city");
        region = present(region, "region");
        postalCode = present(postalCode, "postalCode");
        Objects.requireNonNull(countryCode, "countryCode");
        phone = present(phone, "phone");
    }

    /** An address from parts where "" or null stands for a part the address lacks. */
    public static PostalAddress of(String name, String line1, String line2, String city, String region, String postalCode,
                                   String countryCode, String phone) {
        return new PostalAddress(orEmpty(name), orEmpty(line1), part(line2), orEmpty(city), part(region), part(postalCode),
            orEmpty(countryCode), part(phone));
    }

    /** The same address addressed to {@code recipient}. */
    public PostalAddress withName(String recipient) {
        return new PostalAddress(recipient, line1, line2, city, region, postalCode, countryCode, phone);
    }

    private static Optional<String> present(Optional<String> value, String part) {
        Objects.requireNonNull(value, part);
        return value.filter(v -> !v.isBlank());
    }

    private static Optional<String> part(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
