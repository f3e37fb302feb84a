package dev.cartwright.cart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartCommand.ApplyPromotion;
import dev.cartwright.cart.CartCommand.CreateCart;
import dev.cartwright.cart.CartCommand.MergeFrom;
import dev.cartwright.cart.CartCommand.SetQuantity;
import dev.cartwright.pricing.CartLimits;
import dev.cartwright.pricing.PricingLine;

/** The shapes the domain refuses before anything reaches the store, and what a cart tells about itself. */
class CartDomainTest {

    private static final Instant T = Instant.parse("2026-02-01T00:00:00Z");
    private static final CartLimits LIMITS = CartLimits.defaults();

    private static CartLine line(String product, int quantity, long price) {
        return new CartLine(product, "cat", "Name", quantity, price, T);
    }

    private static Cart cart(CartStatus status, String mergedInto, List<CartLine> lines) {
        return new Cart("c1", "", status, "EUR", "DE", lines, List.of(), 3, T, T, mergedInto);
    }

    @Test
    void aCartKnowsItsLinesItemCountAndPricingLines() {
        Cart cart = cart(CartStatus.ACTIVE, "", List.of(line("p1", 2, 150), line("p2", 3, 1_000)));

        assertThat(cart.itemCount()).isEqualTo(5);
        assertThat(cart.line("p2")).map(CartLine::quantity).contains(3);
        assertThat(cart.line("p3")).isEmpty();
        assertThat(cart.isGuest()).isTrue();
        assertThat(cart.pricingLines()).containsExactly(new PricingLine("p1", "cat", 2, 150), new PricingLine("p2", "cat", 3, 1_000));
        assertThat(cart.lines().get(1).amountMinor()).isEqualTo(3_000);
    }

    @Test
    void aCartHasOneLinePerProductAndMergedIntoExactlyWhenMerged() {
        assertThatThrownBy(() -> cart(CartStatus.ACTIVE, "", List.of(line("p1", 1, 1), line("p1", 2, 1))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p1");
        assertThatThrownBy(() -> cart(CartStatus.MERGED, "", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cart(CartStatus.ACTIVE, "c2", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(cart(CartStatus.MERGED, "c2", List.of()).mergedInto()).isEqualTo("c2");
    }

    @Test
    void aLineAmountOverflowIsAnErrorNotAWrongNumber() {
        assertThatThrownBy(() -> line("p1", 999, Long.MAX_VALUE / 2).amountMinor()).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void commandsRefuseMalformedInput() {
        assertThatThrownBy(() -> new AddItem("p1", "cat", "n", 0, 100, LIMITS)).hasMessageContaining("quantity");
        assertThatThrownBy(() -> new AddItem("p1", "cat", "n", 1, -1, LIMITS)).hasMessageContaining("unitPriceMinor");
        assertThatThrownBy(() -> new AddItem("p 1", "cat", "n", 1, 1, LIMITS)).hasMessageContaining("productId");
        assertThatThrownBy(() -> new AddItem("p1", "a|b", "n", 1, 1, LIMITS)).hasMessageContaining("'|'");
        assertThatThrownBy(() -> new SetQuantity("p1", -1, LIMITS)).hasMessageContaining("quantity");
        assertThatThrownBy(() -> new ApplyPromotion("TEN,OFF")).hasMessageContaining("promotion code");
        assertThatThrownBy(() -> new CreateCart("", "eur", "DE")).hasMessageContaining("currency");
        assertThatThrownBy(() -> new MergeFrom("c1", "EUR", List.of(), List.of("A=B"), LIMITS)).hasMessageContaining("promotion code");
        assertThat(new SetQuantity("p1", 0, LIMITS).quantity()).isZero();
    }

    @Test
    void mutationsNeedAWellFormedCartIdAndIdempotencyKey() {
        assertThatThrownBy(() -> Mutation.of("{cart:x}", new CartCommand.ClearCart())).hasMessageContaining("cart id");
        assertThatThrownBy(() -> Mutation.of("c1", new CartCommand.ClearCart()).withIdempotencyKey("has space"))
            .hasMessageContaining("idempotencyKey");
        Mutation mutation = Mutation.of("c1", new CartCommand.ClearCart()).withExpectedVersion(4).withIdempotencyKey("k-1");
        assertThat(mutation.expectedVersion()).hasValue(4);
        assertThat(mutation.idempotencyKey()).isEqualTo("k-1");
    }

    @Test
    void aFailureExceptionCarriesTheResultButNeverAnAppliedOne() {
        CartMutationException failure = new CartMutationException("c1", new MutationResult.StaleVersion(7));
        assertThat(failure.result()).isEqualTo(new MutationResult.StaleVersion(7));
        Cart cart = cart(CartStatus.ACTIVE, "", List.of());
        assertThatThrownBy(() -> new CartMutationException("c1", new MutationResult.Applied(cart, false)))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
