package dev.cartwright.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.CartTotals;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderLine;
import dev.cartwright.proto.checkout.v1.OrderPreview;
import dev.cartwright.proto.checkout.v1.ShippingMethod;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.common.v1.Money;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The checkout replies written without JsonFormat (Checkout, OrderPreview, Order) are JsonFormat's compact output to the
 * byte, for replies with every field set or left at its default, addresses and shipping methods present or not, strings
 * that need escaping, extreme amounts, timestamps with and without fractions, and every status; what they leave to
 * JsonFormat (an unnamed status, a timestamp out of range) they answer null for. The values come from
 * CartJsonProperties' generators.
 */
class CheckoutJsonProperties {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final CartJsonProperties cart = new CartJsonProperties();

    @Provide
    Arbitrary<Optional<Address>> address() {
        Arbitrary<String> t = cart.text();
        Arbitrary<Address> set = Combinators.combine(t, t, t, t, t, t, t, t).as((name, line1, line2, city, region, postal, country, tel) ->
            Address.newBuilder().setName(name).setLine1(line1).setLine2(line2).setCity(city).setRegion(region).setPostalCode(postal)
                .setCountryCode(country).setPhone(tel).build());
        return Arbitraries.oneOf(set.map(Optional::of), Arbitraries.just(Optional.empty()));
    }

    @Provide
    Arbitrary<ShippingMethod> method() {
        return Combinators.combine(cart.text(), cart.text(), cart.money(), Arbitraries.integers()).as((id, name, price, days) -> {
            ShippingMethod.Builder m = ShippingMethod.newBuilder().setShippingMethodId(id).setName(name).setEstimatedDays(days);
            price.ifPresent(m::setPrice);
            return m.build();
        });
    }

    @Provide
    Arbitrary<Optional<ShippingMethod>> chosen() {
        return Arbitraries.oneOf(method().map(Optional::of), Arbitraries.just(Optional.empty()));
    }

    @Provide
    Arbitrary<Checkout> checkouts() {
        Arbitrary<String> t = cart.text();
        Arbitrary<Checkout.Builder> ids = Combinators.combine(t, t, t, Arbitraries.of(0, 1, 2, 3, 4, 5, 77), cart.amount(), cart.amount(),
                t, t)
            .as((id, cartId, customer, status, cartVersion, version, reservation, order) -> Checkout.newBuilder().setCheckoutId(id)
                .setCartId(cartId).setCustomerId(customer).setStatusValue(status).setCartVersion(cartVersion).setVersion(version)
                .setReservationId(reservation).setOrderId(order));
        Arbitrary<Checkout.Builder> withLines = Combinators.combine(ids, cart.line().list().ofMaxSize(3), cart.totals(), t)
            .as((c, lines, totals, failure) -> {
                c.addAllItems(lines).setFailureReason(failure);
                totals.ifPresent(c::setTotals);
                return c;
            });
        Arbitrary<Checkout.Builder> withAddresses = Combinators.combine(withLines, address(), address(), chosen(),
                method().list().ofMaxSize(3))
            .as((c, shipping, billing, method, methods) -> {
                shipping.ifPresent(c::setShippingAddress);
                billing.ifPresent(c::setBillingAddress);
                method.ifPresent(c::setShippingMethod);
                return c.addAllAvailableShippingMethods(methods);
            });
        return Combinators.combine(withAddresses, cart.timestamp(), cart.timestamp(), cart.timestamp())
            .as((c, expires, created, updated) -> {
                expires.ifPresent(c::setReservationExpiresAt);
                created.ifPresent(c::setCreatedAt);
                updated.ifPresent(c::setUpdatedAt);
                return c.build();
            });
    }

    @Provide
    Arbitrary<OrderPreview> previews() {
        Arbitrary<OrderPreview.Builder> lines = Combinators.combine(cart.text(), cart.line().list().ofMaxSize(3), cart.totals(),
                Arbitraries.of(true, false), cart.text().list().ofMaxSize(3))
            .as((id, items, totals, ready, issues) -> {
                OrderPreview.Builder p = OrderPreview.newBuilder().setCheckoutId(id).addAllItems(items).setReady(ready)
                    .addAllIssues(issues);
                totals.ifPresent(p::setTotals);
                return p;
            });
        return Combinators.combine(lines, address(), address(), chosen()).as((p, shipping, billing, method) -> {
            shipping.ifPresent(p::setShippingAddress);
            billing.ifPresent(p::setBillingAddress);
            method.ifPresent(p::setShippingMethod);
            return p.build();
        });
    }

    @Provide
    Arbitrary<OrderLine> orderLine() {
        return Combinators.combine(cart.text(), cart.text(), Arbitraries.integers(), cart.money(), cart.money())
            .as((item, product, quantity, unit, total) -> {
                OrderLine.Builder l = OrderLine.newBuilder().setOrderItemId(item).setProductId(product).setQuantity(quantity);
                unit.ifPresent(l::setUnitPrice);
                total.ifPresent(l::setTotal);
                return l.build();
            });
    }

    @Provide
    Arbitrary<Order> orders() {
        Arbitrary<String> t = cart.text();
        return Combinators.combine(Combinators.combine(t, t, t, t, t).as(List::of), orderLine().list().ofMaxSize(3), cart.totals(),
                cart.timestamp())
            .as((s, lines, totals, created) -> {
                Order.Builder o = Order.newBuilder().setOrderId(s.get(0)).setCheckoutId(s.get(1)).setCustomerId(s.get(2))
                    .setStatus(s.get(3)).setPaymentAuthorizationId(s.get(4)).addAllItems(lines);
                totals.ifPresent(o::setTotals);
                created.ifPresent(o::setCreatedAt);
                return o.build();
            });
    }

    @Property(tries = 2000)
    void aCheckoutIsWrittenAsJsonFormatPrintsIt(@ForAll("checkouts") Checkout checkout) throws InvalidProtocolBufferException {
        byte[] direct = CheckoutJson.print(checkout);

        if (direct != null) {
            assertSameJson(direct, checkout);
        } else {
            assertThat(checkout.getStatus() == CheckoutStatus.UNRECOGNIZED || !valid(checkout.hasReservationExpiresAt(),
                checkout.getReservationExpiresAt()) || !valid(checkout.hasCreatedAt(), checkout.getCreatedAt())
                || !valid(checkout.hasUpdatedAt(), checkout.getUpdatedAt()))
                .as("only what JsonFormat must write is left to it").isTrue();
        }
    }

    @Property(tries = 2000)
    void aPreviewIsWrittenAsJsonFormatPrintsIt(@ForAll("previews") OrderPreview preview) throws InvalidProtocolBufferException {
        byte[] direct = CheckoutJson.print(preview);

        assertThat(direct).as("a preview always has a direct form").isNotNull();
        assertSameJson(direct, preview);
    }

    @Property(tries = 2000)
    void anOrderIsWrittenAsJsonFormatPrintsIt(@ForAll("orders") Order order) throws InvalidProtocolBufferException {
        byte[] direct = CheckoutJson.print(order);

        if (direct != null) {
            assertSameJson(direct, order);
        } else {
            assertThat(valid(order.hasCreatedAt(), order.getCreatedAt())).as("only a timestamp out of range is left to JsonFormat")
                .isFalse();
        }
    }

    @Example
    void aCheckoutReplyIsWrittenDirectlyAndTheEndpointHasEveryCodec() throws InvalidProtocolBufferException {
        Money price = Money.newBuilder().setAmountMinor(1299).setCurrencyCode("USD").build();
        Address address = Address.newBuilder().setName("Ada \"A\" <Shopper>").setLine1("1 Market St").setCity("San Francisco")
            .setRegion("CA").setPostalCode("94105").setCountryCode("US").build();
        ShippingMethod standard = ShippingMethod.newBuilder().setShippingMethodId("standard").setName("Standard").setPrice(price)
            .setEstimatedDays(5).build();
        Timestamp at = Timestamp.newBuilder().setSeconds(1_764_748_800L).setNanos(123_000_000).build();
        Checkout checkout = Checkout.newBuilder().setCheckoutId("ck-1").setCartId("c-1").setCustomerId("456")
            .setStatus(CheckoutStatus.CHECKOUT_STATUS_OPEN).setCartVersion(3)
            .addItems(CartLine.newBuilder().setProductId("456").setName("Mug").setQuantity(1).setUnitPrice(price).setTotal(price))
            .setTotals(CartTotals.newBuilder().setSubtotal(price).setGrandTotal(price).setItemCount(1))
            .setShippingAddress(address).setBillingAddress(address).setShippingMethod(standard).addAvailableShippingMethods(standard)
            .setReservationId("r-1").setReservationExpiresAt(at).setVersion(2).setCreatedAt(at).setUpdatedAt(at).build();

        assertSameJson(CheckoutJson.print(checkout), checkout);
        assertThat(CheckoutJson.print(Checkout.getDefaultInstance())).asString(StandardCharsets.UTF_8).isEqualTo("{}");
        assertThat(CheckoutJson.print(checkout.toBuilder().setStatusValue(42).build())).as("an unnamed status is JsonFormat's").isNull();
        OrderPreview preview = OrderPreview.newBuilder().setCheckoutId("ck-1").setShippingAddress(address).setShippingMethod(standard)
            .addIssues("billing address missing").addIssues("a \"quoted\" <issue>").build();
        assertSameJson(CheckoutJson.print(preview), preview);
        Order order = Order.newBuilder().setOrderId("ord-1").setCheckoutId("ck-1").setStatus("CREATED")
            .addItems(OrderLine.newBuilder().setOrderItemId("1").setProductId("456").setQuantity(1).setUnitPrice(price).setTotal(price))
            .setCreatedAt(at).build();
        assertSameJson(CheckoutJson.print(order), order);

        assertThat(List.of(CheckoutJson.all())).extracting(c -> c.typeName()).containsExactlyInAnyOrder("checkout.v1.Checkout",
            "checkout.v1.OrderPreview", "checkout.v1.Order", "checkout.v1.StartCheckoutRequest", "checkout.v1.GetCheckoutRequest",
            "checkout.v1.SelectShippingMethodRequest", "checkout.v1.PreviewOrderRequest", "checkout.v1.ConfirmCheckoutRequest");
    }

    /** The same bytes as JsonFormat's text in UTF-8 (what the endpoint sends; a lone surrogate becomes '?' in both). */
    private static void assertSameJson(byte[] direct, Message message) throws InvalidProtocolBufferException {
        assertThat(direct).isNotNull();
        byte[] byJsonFormat = JSON.print(message).getBytes(StandardCharsets.UTF_8);
        assertThat(visible(new String(direct, StandardCharsets.UTF_8)))
            .isEqualTo(visible(new String(byJsonFormat, StandardCharsets.UTF_8)));
        assertThat(direct).isEqualTo(byJsonFormat);
    }

    /** The text with every character outside printable ASCII as its code, so a failure shows where the two differ. */
    private static String visible(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("<%04x>", c)));
        return out.toString();
    }

    private static boolean valid(boolean set, Timestamp at) {
        return !set || Timestamps.isValid(at);
    }
}
