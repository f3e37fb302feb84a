package dev.cartwright.checkout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which checkouts carry the Order service's quote (imported from order_db) rather than one of this service's, and
 * when such a quote can be confirmed as it stands.
 */
class OrderServiceQuoteTest {

    private static final CheckoutTotals QUOTE = new CheckoutTotals(2_000, 0, 895, 130, 3_025, false, 2);
    private static final List<ShippingOption> OFFERED = List.of(new ShippingOption("standard", "Standard", 499, "USD", 5),
        new ShippingOption("express", "Express", 1_499, "USD", 2));

    private static CheckoutContents contents(List<ShippingOption> offered, Optional<String> chosen, String reservationId) {
        return new CheckoutContents("ck-1", "cart-1", Optional.of("c-1"), 3, "USD", "", List.of(), List.of(), QUOTE, Optional.empty(),
            Optional.empty(), offered, chosen, reservationId, Optional.empty(), Instant.EPOCH);
    }

    @Test
    void aMethodThisServiceNeverOfferedMarksTheOrderServicesQuote() {
        CheckoutContents imported = contents(List.of(), Optional.of("GROUND"), "");
        assertThat(imported.quotedByOrderService()).isTrue();
        assertThat(imported.quotedShipping()).contains(new ShippingOption("GROUND", "GROUND", 895, "USD", 0));
        assertThat(contents(OFFERED, Optional.of("GROUND"), "rsv-ck-1").quotedByOrderService())
            .as("re-quoted by the Order service after a rollback").isTrue();
    }

    @Test
    void aCheckoutOfThisServiceNeverCarriesTheOrderServicesQuote() {
        assertThat(contents(OFFERED, Optional.of("express"), "rsv-ck-1").quotedByOrderService()).isFalse();
        assertThat(contents(OFFERED, Optional.empty(), "rsv-ck-1").quotedByOrderService()).isFalse();
        assertThat(contents(OFFERED, Optional.empty(), "rsv-ck-1").unquotedFromOrderService()).isFalse();
        assertThat(contents(OFFERED, Optional.empty(), "rsv-ck-1").quotedShipping()).isEmpty();
    }

    @Test
    void aCheckoutTheOrderServiceStartedWithoutShippingIsUnquoted() {
        assertThat(contents(List.of(), Optional.empty(), "").unquotedFromOrderService()).isTrue();
        assertThat(contents(List.of(), Optional.empty(), "").quotedByOrderService()).isFalse();
    }

    @Test
    void aQuoteAddsUpWhenItsGrandTotalIsItsParts() {
        assertThat(QUOTE.addsUp()).isTrue();
        assertThat(new CheckoutTotals(2_000, 100, 895, 124, 2_919, false, 2).addsUp()).isTrue();
        assertThat(new CheckoutTotals(2_000, 0, 895, 130, 2_000, false, 2).addsUp()).as("shipping and tax left out").isFalse();
        assertThat(new CheckoutTotals(2_000, 0, 895, 130, 2_895, true, 2).addsUp()).as("tax included in the prices").isTrue();
    }
}
