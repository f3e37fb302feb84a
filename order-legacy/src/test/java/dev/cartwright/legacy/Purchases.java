package dev.cartwright.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.sim.CustomerSimulator;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A customer's purchase through the gateway, from an empty cart to the order the Order service ships and delivers. */
final class Purchases {

    /** What was bought: the cart, the order as confirmed, and the order once delivered. */
    record Purchase(String cartId, Order order, OrderDetails delivered) {
    }

    private Purchases() {
    }

    /**
     * Cart, {@code quantity} units of product 456, checkout, address, confirm; then waits for the simulator to ship and
     * deliver that order (shipped before delivered, never back). Every call answered by {@code checkoutSide}.
     */
    static Purchase buyDelivered(SplitStack stack, String customer, int quantity, String checkoutSide) {
        Cart cart = ok(stack.callNow(customer, CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(customer).setCurrencyCode("USD").build()), checkoutSide);
        ok(stack.callNow(customer, CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(quantity).build()), checkoutSide);
        Checkout checkout = ok(stack.callNow(customer, CheckoutServiceGrpcClient.StartCheckout,
            StartCheckoutRequest.newBuilder().setCartId(cart.getCartId()).build()), checkoutSide);
        ok(stack.callNow(customer, CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(checkout.getCheckoutId()).setAddress(CustomerSimulator.customer(customer).getDefaultAddress()).build()),
            checkoutSide);
        Order order = ok(stack.callNow(customer, CheckoutServiceGrpcClient.ConfirmCheckout, ConfirmCheckoutRequest.newBuilder()
            .setCheckoutId(checkout.getCheckoutId()).setPaymentMethodId("789").build()), checkoutSide);
        assertThat(order.getOrderId()).isNotEmpty();
        assertThat(order.getCustomerId()).isEqualTo(customer);

        // The Order service ships that very order, then delivers it.
        List<String> seen = new ArrayList<>();
        OrderDetails delivered = eventually(() -> {
            OrderDetails now = stack.sim.order().order(order.getOrderId()).orElseThrow();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now.getStatus())) {
                seen.add(now.getStatus());
            }
            return now.hasDeliveredAt() ? now : null;
        });
        assertThat(delivered.hasShippedAt()).isTrue();
        assertThat(seen).last().isEqualTo("delivered");
        assertThat(seen).doesNotContainSequence("delivered", "shipped");
        return new Purchase(cart.getCartId(), order, delivered);
    }

    /** The reply's body, after checking it is OK and came from {@code side}. */
    static <T> T ok(SplitStack.Reply<T> reply, String side) {
        assertThat(reply.status()).as(reply.message()).isEqualTo(GrpcStatus.OK);
        assertThat(reply.side()).isEqualTo(side);
        return reply.body();
    }

    /** Polls until {@code probe} answers (up to a minute: the wait is for events, not a measure of speed). */
    static <T> T eventually(Supplier<T> probe) {
        for (int i = 0; i < 600; i++) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("not reached within a minute");
    }
}
