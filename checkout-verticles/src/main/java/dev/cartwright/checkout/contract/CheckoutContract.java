package dev.cartwright.checkout.contract;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.checkout.domain.CheckoutTotals;
import dev.cartwright.checkout.domain.ConfirmedOrder;
import dev.cartwright.checkout.domain.PostalAddress;
import dev.cartwright.proto.checkout.v1.CartTotals;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderLine;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.common.v1.Money;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Owns the translation between the checkout's own values and the messages of the checkout and common contracts
 * (checkout.v1, common.v1): what the gRPC edge answers with, and the form a confirmed order is stored in (checkout.v1.Order
 * as protobuf JSON), so the stored reply and the one sent are the same message.
 */
public final class CheckoutContract {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private CheckoutContract() {
    }

    public static Order order(ConfirmedOrder o) {
        Order.Builder order = Order.newBuilder()
            .setOrderId(o.orderId())
            .setCheckoutId(o.checkoutId())
            .setCustomerId(o.customerId().orElse(""))
            .setStatus(o.status())
            .setPaymentAuthorizationId(o.paymentAuthorizationId().orElse(""))
            .setCreatedAt(timestamp(o.createdAt()))
            .setTotals(totals(o.totals(), o.currency()));
        for (ConfirmedOrder.Line l : o.lines()) {
            order.addItems(OrderLine.newBuilder()
                .setOrderItemId(l.orderItemId().orElse(""))
                .setProductId(l.productId())
                .setQuantity(l.quantity())
                .setUnitPrice(money(l.unitPrice(), o.currency()))
                .setTotal(money(l.total(), o.currency())));
        }
        return order.build();
    }

    public static ConfirmedOrder confirmedOrder(Order o) {
        CartTotals t = o.getTotals();
        String currency = t.getGrandTotal().getCurrencyCode();
        List<ConfirmedOrder.Line> lines = new ArrayList<>(o.getItemsCount());
        for (OrderLine l : o.getItemsList()) {
            lines.add(new ConfirmedOrder.Line(nonEmpty(l.getOrderItemId()), l.getProductId(), l.getQuantity(),
                l.getUnitPrice().getAmountMinor(), l.getTotal().getAmountMinor()));
        }
        CheckoutTotals totals = new CheckoutTotals(t.getSubtotal().getAmountMinor(), t.getDiscount().getAmountMinor(),
            t.getShipping().getAmountMinor(), t.getTax().getAmountMinor(), t.getGrandTotal().getAmountMinor(), t.getTaxInclusive(),
            t.getItemCount());
        return new ConfirmedOrder(o.getOrderId(), o.getCheckoutId(), nonEmpty(o.getCustomerId()), o.getStatus(), lines, totals, currency,
            nonEmpty(o.getPaymentAuthorizationId()), instant(o.getCreatedAt()));
    }

    /** A confirmed order in its stored form: checkout.v1.Order as protobuf JSON. */
    public static String orderJson(ConfirmedOrder o) {
        try {
            return JSON.print(order(o));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A confirmed order from its stored form; empty when the text is not a readable order. */
    public static Optional<ConfirmedOrder> parseOrderJson(String json) {
        try {
            Order.Builder b = Order.newBuilder();
            PARSER.merge(json, b);
            return Optional.of(confirmedOrder(b.build()));
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }

    public static CartTotals totals(CheckoutTotals t, String currency) {
        return CartTotals.newBuilder()
            .setSubtotal(money(t.subtotal(), currency))
            .setDiscount(money(t.discount(), currency))
            .setShipping(money(t.shipping(), currency))
            .setTax(money(t.tax(), currency))
            .setGrandTotal(money(t.grandTotal(), currency))
            .setTaxInclusive(t.taxInclusive())
            .setItemCount(t.itemCount())
            .build();
    }

    public static Address address(PostalAddress a) {
        Address.Builder address = Address.newBuilder().setName(a.name()).setLine1(a.line1()).setCity(a.city())
            .setCountryCode(a.countryCode());
        a.line2().ifPresent(address::setLine2);
        a.region().ifPresent(address::setRegion);
        a.postalCode().ifPresent(address::setPostalCode);
        a.phone().ifPresent(address::setPhone);
        return address.build();
    }

    public static PostalAddress postalAddress(Address a) {
        return PostalAddress.of(a.getName(), a.getLine1(), a.getLine2(), a.getCity(), a.getRegion(), a.getPostalCode(),
            a.getCountryCode(), a.getPhone());
    }

    public static Money money(long minor, String currency) {
        return Money.newBuilder().setAmountMinor(minor).setCurrencyCode(currency).build();
    }

    public static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static Optional<String> nonEmpty(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
