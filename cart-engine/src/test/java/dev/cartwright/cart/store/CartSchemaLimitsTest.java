package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.cartwright.pricing.CartLimits;

class CartSchemaLimitsTest {

    @Test
    void aBetweenAsPostgresPrintsItBoundsBothSides() {
        CartSchemaLimits.Bounds bounds = CartSchemaLimits.parse("cart_items", "quantity", List.of(
            "CHECK (((quantity >= 1) AND (quantity <= 999)))", "CHECK ((unit_price_minor >= 0))",
            "CHECK ((currency ~ '^[A-Z]{3}$'::text))"));

        assertThat(bounds.min()).isEqualTo(OptionalLong.of(1));
        assertThat(bounds.max()).isEqualTo(OptionalLong.of(999));
        assertThat(bounds.constraints()).containsExactly("CHECK (((quantity >= 1) AND (quantity <= 999)))");
        assertThat(bounds.range()).isEqualTo("1..999");
    }

    @Test
    void strictComparisonsAndSeveralChecksGiveTheTightestBounds() {
        CartSchemaLimits.Bounds bounds = CartSchemaLimits.parse("cart_items", "quantity", List.of(
            "CHECK ((quantity > 0))", "CHECK ((quantity < 500))", "CHECK ((quantity <= 1000))", "CHECK ((max_quantity <= 5))"));

        assertThat(bounds.min()).isEqualTo(OptionalLong.of(1));
        assertThat(bounds.max()).isEqualTo(OptionalLong.of(499));
        assertThat(bounds.admits(1, 499)).isTrue();
        assertThat(bounds.admits(1, 500)).isFalse();
        assertThat(bounds.admits(0, 10)).isFalse();
    }

    @Test
    void withoutACheckTheColumnIsUnbounded() {
        CartSchemaLimits.Bounds bounds = CartSchemaLimits.parse("cart_items", "quantity", List.of("CHECK ((unit_price_minor >= 0))"));

        assertThat(bounds.min()).isEmpty();
        assertThat(bounds.max()).isEmpty();
        assertThat(CartSchemaLimits.misfit(new CartLimits(1, 1_000_000, 200), bounds)).isEmpty();
    }

    @Test
    void aLimitBeyondTheBoundIsAMisfitThatNamesTheValueAndTheBound() {
        CartSchemaLimits.Bounds bounds = CartSchemaLimits.parse("cart_items", "quantity",
            List.of("CHECK (((quantity >= 1) AND (quantity <= 999)))"));

        assertThat(CartSchemaLimits.misfit(new CartLimits(1, 999, 200), bounds)).isEmpty();
        assertThat(CartSchemaLimits.misfit(new CartLimits(1, 10, 200), bounds)).isEmpty();
        assertThat(CartSchemaLimits.misfit(new CartLimits(1, 1_000, 200), bounds)).hasValueSatisfying(problem -> assertThat(problem)
            .contains("is 1000").contains("cart_items.quantity only 1..999").contains("quantity <= 999")
            .contains("CARTWRIGHT_CART_MAX_QUANTITY"));
    }
}
