package dev.cartwright.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.proto.checkout.v1.AppliedPromotion;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.CartStatus;
import dev.cartwright.proto.checkout.v1.CartTotals;
import dev.cartwright.proto.common.v1.Money;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The cart JSON written without JsonFormat is JsonFormat's compact output to the byte, for carts with every field set or
 * left at its default, strings that need escaping (quotes, control characters, HTML characters, line separators,
 * non-ASCII, lone surrogates), negative and extreme amounts, timestamps with and without fractions, and every status;
 * what it leaves to JsonFormat (an unnamed status, a timestamp out of range, unknown fields) it answers null for.
 */
class CartJsonProperties {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(
            Arbitraries.of("", "k2v7c3mqa4t6x1zr8pbn0sdf5e", "USD", "Blue mug", "US-CA"),
            Arbitraries.strings().withChars("abcXYZ019 -_.:/").ofMaxLength(12),
            Arbitraries.strings().withChars("a\"\\<>&='\u2028\u2029\n\t\b\f\r\u0001\u001f\u007f\u00e9\u20ac\ud83d\ude00\ud800/")
                .ofMaxLength(8));
    }

    @Provide
    Arbitrary<Long> amount() {
        return Arbitraries.oneOf(Arbitraries.longs().between(-3, 3), Arbitraries.longs().between(0, 10_000_000L),
            Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE), Arbitraries.longs());
    }

    @Provide
    Arbitrary<Optional<Money>> money() {
        Arbitrary<Money> set = Combinators.combine(amount(), Arbitraries.of("", "USD", "EU\"R"))
            .as((amount, currency) -> Money.newBuilder().setAmountMinor(amount).setCurrencyCode(currency).build());
        return Arbitraries.oneOf(set.map(Optional::of), Arbitraries.just(Optional.empty()));
    }

    @Provide
    Arbitrary<Optional<Timestamp>> timestamp() {
        Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.of(0, 1, 999_999_999, 123_000_000, 123_456_000),
            Arbitraries.integers().between(0, 999_999_999));
        Arbitrary<Long> seconds = Arbitraries.oneOf(Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L),
            Arbitraries.of(0L, 1_764_748_800L, 253_402_300_800L, -62_135_596_801L));
        return Arbitraries.oneOf(Combinators.combine(seconds, nanos)
                .as((s, n) -> Optional.of(Timestamp.newBuilder().setSeconds(s).setNanos(n).build())),
            Arbitraries.just(Optional.empty()));
    }

    @Provide
    Arbitrary<CartLine> line() {
        return Combinators.combine(text(), text(), text(), Arbitraries.integers(), money(), money(), money(), money())
            .as((product, name, category, quantity, unit, subtotal, discount, tax) -> {
                CartLine.Builder line = CartLine.newBuilder().setProductId(product).setName(name).setCategoryId(category)
                    .setQuantity(quantity);
                unit.ifPresent(line::setUnitPrice);
                subtotal.ifPresent(line::setSubtotal);
                discount.ifPresent(line::setDiscount);
                tax.ifPresent(line::setTax);
                subtotal.ifPresent(line::setTotal);
                return line.build();
            });
    }

    @Provide
    Arbitrary<AppliedPromotion> promotion() {
        return Combinators.combine(text(), text(), money(), Arbitraries.of(true, false), text())
            .as((code, description, discount, active, reason) -> {
                AppliedPromotion.Builder p = AppliedPromotion.newBuilder().setCode(code).setDescription(description)
                    .setActive(active).setInactiveReason(reason);
                discount.ifPresent(p::setDiscount);
                return p.build();
            });
    }

    @Provide
    Arbitrary<Optional<CartTotals>> totals() {
        return Arbitraries.oneOf(Combinators.combine(money(), money(), money(), money(), money(), Arbitraries.of(true, false),
                Arbitraries.integers())
            .as((subtotal, discount, shipping, tax, grand, inclusive, count) -> {
                CartTotals.Builder t = CartTotals.newBuilder().setTaxInclusive(inclusive).setItemCount(count);
                subtotal.ifPresent(t::setSubtotal);
                discount.ifPresent(t::setDiscount);
                shipping.ifPresent(t::setShipping);
                tax.ifPresent(t::setTax);
                grand.ifPresent(t::setGrandTotal);
                return Optional.of(t.build());
            }), Arbitraries.just(Optional.empty()));
    }

    @Provide
    Arbitrary<Cart> carts() {
        Arbitrary<Integer> status = Arbitraries.of(0, 1, 2, 3, 4, 99);
        Arbitrary<Cart.Builder> ids = Combinators.combine(text(), text(), status, amount(), text(), text(), text())
            .as((id, customer, s, version, currency, region, merged) -> Cart.newBuilder().setCartId(id).setCustomerId(customer)
                .setStatusValue(s).setVersion(version).setCurrencyCode(currency).setRegion(region).setMergedIntoCartId(merged));
        return Combinators.combine(ids, line().list().ofMaxSize(4), promotion().list().ofMaxSize(3), totals(), timestamp(), timestamp())
            .as((cart, lines, promotions, totals, created, updated) -> {
                cart.addAllItems(lines).addAllPromotions(promotions);
                totals.ifPresent(cart::setTotals);
                created.ifPresent(cart::setCreatedAt);
                updated.ifPresent(cart::setUpdatedAt);
                return cart.build();
            });
    }

    @Property(tries = 3000)
    void whatIsWrittenIsWhatJsonFormatPrints(@ForAll("carts") Cart cart) throws InvalidProtocolBufferException {
        byte[] direct = CartJson.print(cart);

        if (direct != null) {
            assertThat(new String(direct, StandardCharsets.UTF_8)).isEqualTo(new String(
                JSON.print(cart).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        } else {
            assertThat(cart.getStatus() == CartStatus.UNRECOGNIZED || !valid(cart.getCreatedAt()) || !valid(cart.getUpdatedAt()))
                .as("only what JsonFormat must write is left to it").isTrue();
        }
    }

    @Example
    void aCartReplyIsWrittenDirectly() throws InvalidProtocolBufferException {
        Money price = Money.newBuilder().setAmountMinor(1299).setCurrencyCode("USD").build();
        Money zero = Money.newBuilder().setCurrencyCode("USD").build();
        Cart cart = Cart.newBuilder().setCartId("k2v7c3mqa4t6x1zr8pbn0sdf5e").setCustomerId("456").setStatus(CartStatus.CART_STATUS_ACTIVE)
            .addItems(CartLine.newBuilder().setProductId("1").setName("Mug \"Blue\" & <Co>").setCategoryId("c3").setQuantity(2)
                .setUnitPrice(price).setSubtotal(price).setDiscount(zero).setTax(zero).setTotal(price))
            .addPromotions(AppliedPromotion.newBuilder().setCode("SAVE5").setDescription("5 off").setDiscount(zero)
                .setInactiveReason("MINIMUM_NOT_MET"))
            .setTotals(CartTotals.newBuilder().setSubtotal(price).setDiscount(zero).setShipping(zero).setTax(zero).setGrandTotal(price)
                .setItemCount(2))
            .setVersion(7).setCurrencyCode("USD").setRegion("US-CA")
            .setCreatedAt(Timestamp.newBuilder().setSeconds(1_764_748_800L).setNanos(123_000_000))
            .setUpdatedAt(Timestamp.newBuilder().setSeconds(1_764_748_801L))
            .build();

        byte[] direct = CartJson.print(cart);

        assertThat(direct).isNotNull();
        assertThat(new String(direct, StandardCharsets.UTF_8)).isEqualTo(JSON.print(cart));
        assertThat(CartJson.print(Cart.getDefaultInstance())).asString(StandardCharsets.UTF_8).isEqualTo("{}");
        assertThat(CartJson.print(cart.toBuilder().setStatusValue(42).build())).as("an unnamed status is JsonFormat's to print").isNull();
    }

    private static boolean valid(Timestamp at) {
        return com.google.protobuf.util.Timestamps.isValid(at);
    }
}
