package dev.cartwright.checkout.api;

import static dev.cartwright.checkout.api.ProtoJsonWriter.plain;
import static dev.cartwright.checkout.api.ProtoJsonWriter.plainLines;
import static dev.cartwright.checkout.api.ProtoJsonWriter.plainTimestamp;
import static dev.cartwright.checkout.api.ProtoJsonWriter.plainTotals;

import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderLine;
import dev.cartwright.proto.checkout.v1.OrderPreview;
import dev.cartwright.proto.checkout.v1.PreviewOrderRequest;
import dev.cartwright.proto.checkout.v1.SelectShippingMethodRequest;
import dev.cartwright.proto.checkout.v1.ShippingMethod;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.service.grpc.JsonCodec;
import java.util.List;
import java.util.function.Function;

/**
 * The CheckoutService's HTTP/JSON without JsonFormat's reflection on its hot path: the three replies (Checkout,
 * OrderPreview, Order) written through the generated getters byte for byte as
 * {@code JsonFormat.printer().omittingInsignificantWhitespace()} prints them (the pieces are {@link ProtoJsonWriter}'s),
 * and the requests that are all strings and integers (StartCheckout, GetCheckout, SelectShippingMethod, PreviewOrder,
 * ConfirmCheckout) read by {@link CartRequestJson#reader}. A reply carrying fields it does not know, an unnamed status
 * or a timestamp out of range, and the address requests (a nested message), are left to JsonFormat.
 * CheckoutJsonProperties holds each to JsonFormat.
 */
final class CheckoutJson {

    private CheckoutJson() {
    }

    static JsonCodec<?>[] all() {
        return new JsonCodec<?>[] {
            CheckoutJson.<Checkout>printer(Checkout.getDescriptor().getFullName(), CheckoutJson::print),
            CheckoutJson.<OrderPreview>printer(OrderPreview.getDescriptor().getFullName(), CheckoutJson::print),
            CheckoutJson.<Order>printer(Order.getDescriptor().getFullName(), CheckoutJson::print),
            CartRequestJson.reader(StartCheckoutRequest.getDescriptor(), v -> {
                StartCheckoutRequest.Builder b = StartCheckoutRequest.newBuilder();
                CartRequestJson.set(v, 0, b::setCartId);
                CartRequestJson.set(v, 1, b::setIdempotencyKey);
                return b.build();
            }),
            CartRequestJson.reader(GetCheckoutRequest.getDescriptor(), v -> {
                GetCheckoutRequest.Builder b = GetCheckoutRequest.newBuilder();
                CartRequestJson.set(v, 0, b::setCheckoutId);
                return b.build();
            }),
            CartRequestJson.reader(SelectShippingMethodRequest.getDescriptor(), v -> {
                SelectShippingMethodRequest.Builder b = SelectShippingMethodRequest.newBuilder();
                CartRequestJson.set(v, 0, b::setCheckoutId);
                CartRequestJson.set(v, 1, b::setShippingMethodId);
                CartRequestJson.set(v, 2, b::setExpectedVersion);
                CartRequestJson.set(v, 3, b::setIdempotencyKey);
                return b.build();
            }),
            CartRequestJson.reader(PreviewOrderRequest.getDescriptor(), v -> {
                PreviewOrderRequest.Builder b = PreviewOrderRequest.newBuilder();
                CartRequestJson.set(v, 0, b::setCheckoutId);
                return b.build();
            }),
            CartRequestJson.reader(ConfirmCheckoutRequest.getDescriptor(), v -> {
                ConfirmCheckoutRequest.Builder b = ConfirmCheckoutRequest.newBuilder();
                CartRequestJson.set(v, 0, b::setCheckoutId);
                CartRequestJson.set(v, 1, b::setPaymentMethodId);
                CartRequestJson.set(v, 2, b::setExpectedVersion);
                CartRequestJson.set(v, 3, b::setIdempotencyKey);
                return b.build();
            })};
    }

    private static <T> JsonCodec<T> printer(String typeName, Function<T, byte[]> print) {
        return new JsonCodec<>() {
            @Override
            public String typeName() {
                return typeName;
            }

            @Override
            public byte[] print(T message) {
                return print.apply(message);
            }
        };
    }

    // ---- Checkout ---------------------------------------------------------------------------------------------------

    /** The JSON of {@code c}, or null when it is left to JsonFormat. */
    static byte[] print(Checkout c) {
        if (!plain(c) || c.getStatus() == CheckoutStatus.UNRECOGNIZED || !plainLines(c.getItemsList()) || !plainTotals(c.getTotals())
            || !plain(c.getShippingAddress()) || !plain(c.getBillingAddress()) || !plainMethod(c.getShippingMethod())
            || !plainMethods(c.getAvailableShippingMethodsList())
            || !plainTimestamp(c.hasReservationExpiresAt(), c.getReservationExpiresAt())
            || !plainTimestamp(c.hasCreatedAt(), c.getCreatedAt()) || !plainTimestamp(c.hasUpdatedAt(), c.getUpdatedAt())) {
            return null;
        }
        ProtoJsonWriter json = new ProtoJsonWriter(1024);
        int mark = json.open();
        json.string(mark, "checkoutId", c.getCheckoutId());
        json.string(mark, "cartId", c.getCartId());
        json.string(mark, "customerId", c.getCustomerId());
        json.enumName(mark, "status", c.getStatusValue(), c.getStatus().name());
        json.int64(mark, "cartVersion", c.getCartVersion());
        json.lines(mark, "items", c.getItemsList());
        json.totals(mark, "totals", c.hasTotals(), c.getTotals());
        json.address(mark, "shippingAddress", c.hasShippingAddress(), c.getShippingAddress());
        json.address(mark, "billingAddress", c.hasBillingAddress(), c.getBillingAddress());
        method(json, mark, "shippingMethod", c.hasShippingMethod(), c.getShippingMethod());
        json.array(mark, "availableShippingMethods", c.getAvailableShippingMethodsList(), m -> method(json, m));
        json.string(mark, "reservationId", c.getReservationId());
        json.timestamp(mark, "reservationExpiresAt", c.hasReservationExpiresAt(), c.getReservationExpiresAt());
        json.string(mark, "orderId", c.getOrderId());
        json.string(mark, "failureReason", c.getFailureReason());
        json.int64(mark, "version", c.getVersion());
        json.timestamp(mark, "createdAt", c.hasCreatedAt(), c.getCreatedAt());
        json.timestamp(mark, "updatedAt", c.hasUpdatedAt(), c.getUpdatedAt());
        json.close();
        return json.bytes();
    }

    // ---- OrderPreview -----------------------------------------------------------------------------------------------

    /** The JSON of {@code p}, or null when it is left to JsonFormat. */
    static byte[] print(OrderPreview p) {
        if (!plain(p) || !plainLines(p.getItemsList()) || !plainTotals(p.getTotals()) || !plain(p.getShippingAddress())
            || !plain(p.getBillingAddress()) || !plainMethod(p.getShippingMethod())) {
            return null;
        }
        ProtoJsonWriter json = new ProtoJsonWriter(1024);
        int mark = json.open();
        json.string(mark, "checkoutId", p.getCheckoutId());
        json.lines(mark, "items", p.getItemsList());
        json.totals(mark, "totals", p.hasTotals(), p.getTotals());
        json.address(mark, "shippingAddress", p.hasShippingAddress(), p.getShippingAddress());
        json.address(mark, "billingAddress", p.hasBillingAddress(), p.getBillingAddress());
        method(json, mark, "shippingMethod", p.hasShippingMethod(), p.getShippingMethod());
        json.bool(mark, "ready", p.getReady());
        json.strings(mark, "issues", p.getIssuesList());
        json.close();
        return json.bytes();
    }

    // ---- Order ------------------------------------------------------------------------------------------------------

    /** The JSON of {@code o}, or null when it is left to JsonFormat. */
    static byte[] print(Order o) {
        if (!plain(o) || !plainTotals(o.getTotals()) || !plainTimestamp(o.hasCreatedAt(), o.getCreatedAt())) {
            return null;
        }
        for (OrderLine line : o.getItemsList()) {
            if (!plain(line) || !plain(line.getUnitPrice()) || !plain(line.getTotal())) {
                return null;
            }
        }
        ProtoJsonWriter json = new ProtoJsonWriter(512);
        int mark = json.open();
        json.string(mark, "orderId", o.getOrderId());
        json.string(mark, "checkoutId", o.getCheckoutId());
        json.string(mark, "customerId", o.getCustomerId());
        json.string(mark, "status", o.getStatus());
        json.array(mark, "items", o.getItemsList(), line -> {
            int inner = json.open();
            json.string(inner, "orderItemId", line.getOrderItemId());
            json.string(inner, "productId", line.getProductId());
            json.int32(inner, "quantity", line.getQuantity());
            json.money(inner, "unitPrice", line.hasUnitPrice(), line.getUnitPrice());
            json.money(inner, "total", line.hasTotal(), line.getTotal());
            json.close();
        });
        json.totals(mark, "totals", o.hasTotals(), o.getTotals());
        json.string(mark, "paymentAuthorizationId", o.getPaymentAuthorizationId());
        json.timestamp(mark, "createdAt", o.hasCreatedAt(), o.getCreatedAt());
        json.close();
        return json.bytes();
    }

    // ---- shipping methods -------------------------------------------------------------------------------------------

    private static boolean plainMethod(ShippingMethod method) {
        return plain(method) && plain(method.getPrice());
    }

    private static boolean plainMethods(List<ShippingMethod> methods) {
        for (ShippingMethod method : methods) {
            if (!plainMethod(method)) {
                return false;
            }
        }
        return true;
    }

    private static void method(ProtoJsonWriter json, int mark, String name, boolean set, ShippingMethod method) {
        if (set) {
            json.name(mark, name);
            method(json, method);
        }
    }

    private static void method(ProtoJsonWriter json, ShippingMethod method) {
        int mark = json.open();
        json.string(mark, "shippingMethodId", method.getShippingMethodId());
        json.string(mark, "name", method.getName());
        json.money(mark, "price", method.hasPrice(), method.getPrice());
        json.int32(mark, "estimatedDays", method.getEstimatedDays());
        json.close();
    }
}
