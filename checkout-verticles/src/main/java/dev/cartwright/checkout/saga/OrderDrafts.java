package dev.cartwright.checkout.saga;

import dev.cartwright.checkout.domain.CheckoutTotals;
import dev.cartwright.checkout.domain.FrozenLine;
import dev.cartwright.checkout.domain.PostalAddress;
import dev.cartwright.checkout.domain.StoredCheckout;
import com.google.protobuf.Timestamp;
import dev.cartwright.proto.checkout.v1.CartTotals;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderLine;
import dev.cartwright.proto.common.v1.Address;
import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Owns the order a checkout becomes: the CreateOrder request sent to the Order service (idempotent on the checkout
 * id, with each line's paid amounts as the pricing core computed them, so a refund can later be prorated line by
 * line) and the Order that ConfirmCheckout answers with.
 */
public final class OrderDrafts {

    private OrderDrafts() {
    }

    /**
     * The order for a checkout whose totals were just repriced. A guest checkout has no customer id; the order is
     * placed for {@code "guest-" + checkout id} then, since the Order service requires one.
     */
    public static CreateOrderRequest createOrder(StoredCheckout c) {
        String currency = c.currency();
        CheckoutTotals t = c.totals();
        CreateOrderRequest.Builder request = CreateOrderRequest.newBuilder()
            .setIdempotencyKey(c.checkoutId())
            .setCheckoutId(c.checkoutId())
            .setCustomerId(orderCustomer(c))
            .setSubtotal(money(t.subtotal(), currency))
            .setDiscount(money(t.discount(), currency))
            .setShipping(money(t.shipping(), currency))
            .setTax(money(t.tax(), currency))
            .setGrandTotal(money(t.grandTotal(), currency))
            .setShippingMethodId(c.shippingMethodId())
            .setPaymentReference(c.authorizationId());
        c.shippingAddress().ifPresent(a -> request.setShippingAddress(address(a)));
        c.billingAddress().or(c::shippingAddress).ifPresent(a -> request.setBillingAddress(address(a)));
        for (FrozenLine l : c.lines()) {
            request.addItems(OrderItem.newBuilder()
                .setProductId(l.productId())
                .setCategoryId(l.categoryId())
                .setQuantity(l.quantity())
                .setUnitPrice(money(l.unitPrice(), currency))
                .setDiscount(money(l.discount(), currency))
                .setTax(money(l.tax(), currency))
                .setTotal(money(l.total(), currency)));
        }
        return request.build();
    }

    /** The customer the order is placed for. */
    public static String orderCustomer(StoredCheckout c) {
        return c.customerId().isEmpty() ? "guest-" + c.checkoutId() : c.customerId();
    }

    /** ConfirmCheckout's reply: the created order with the checkout's lines and totals. */
    public static Order reply(StoredCheckout c, OrderDetails created, Instant confirmedAt) {
        String currency = c.currency();
        Map<String, String> itemIds = new HashMap<>();
        for (OrderItem item : created.getItemsList()) {
            itemIds.putIfAbsent(item.getProductId(), item.getOrderItemId());
        }
        Order.Builder order = Order.newBuilder()
            .setOrderId(created.getOrderId())
            .setCheckoutId(c.checkoutId())
            .setCustomerId(c.customerId())
            .setStatus(created.getStatus())
            .setPaymentAuthorizationId(c.authorizationId())
            .setCreatedAt(created.hasCreatedAt() ? created.getCreatedAt() : timestamp(confirmedAt))
            .setTotals(totals(c.totals(), currency));
        for (FrozenLine l : c.lines()) {
            order.addItems(OrderLine.newBuilder()
                .setOrderItemId(itemIds.getOrDefault(l.productId(), ""))
                .setProductId(l.productId())
                .setQuantity(l.quantity())
                .setUnitPrice(money(l.unitPrice(), currency))
                .setTotal(money(l.total(), currency)));
        }
        return order.build();
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
        return Address.newBuilder().setName(a.name()).setLine1(a.line1()).setLine2(a.line2()).setCity(a.city())
            .setRegion(a.region()).setPostalCode(a.postalCode()).setCountryCode(a.countryCode()).setPhone(a.phone()).build();
    }

    public static PostalAddress postalAddress(Address a) {
        return new PostalAddress(a.getName(), a.getLine1(), a.getLine2(), a.getCity(), a.getRegion(), a.getPostalCode(),
            a.getCountryCode(), a.getPhone());
    }

    public static Money money(long minor, String currency) {
        return Money.newBuilder().setAmountMinor(minor).setCurrencyCode(currency).build();
    }

    public static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
