package dev.cartwright.checkout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostalAddressTest {

    @Test
    void partsAnEdgeReadsAsBlankOrNullAreAbsent() {
        PostalAddress a = PostalAddress.of("Ann", "Main St 1", "", "Berlin", null, " ", "DE", "");

        assertThat(a.line2()).isEmpty();
        assertThat(a.region()).isEmpty();
        assertThat(a.postalCode()).isEmpty();
        assertThat(a.phone()).isEmpty();
    }

    @Test
    void aBlankOptionalPartIsTheSameAsNone() {
        PostalAddress blank = new PostalAddress("Ann", "Main St 1", Optional.of(""), "Austin", Optional.of("TX"),
            Optional.of("73301"), "US", Optional.of("  "));

        assertThat(blank).isEqualTo(PostalAddress.of("Ann", "Main St 1", null, "Austin", "TX", "73301", "US", null));
    }

    @Test
    void withNameKeepsEveryOtherPart() {
        PostalAddress a = PostalAddress.of("", "Main St 1", "Flat 2", "Austin", "TX", "73301", "US", "+1 555");

        assertThat(a.withName("Ann")).isEqualTo(PostalAddress.of("Ann", "Main St 1", "Flat 2", "Austin", "TX", "73301", "US",
            "+1 555"));
    }
}
