package dev.cartwright.legacy;

import static dev.cartwright.legacy.Purchases.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.ServiceRouting;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartLine;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CartStatus;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderLine;
import dev.cartwright.proto.checkout.v1.OrderPreview;
import dev.cartwright.proto.checkout.v1.PreviewOrderRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.sim.CustomerSimulator;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Checkouts follow the customer between the Checkout Service (checkout_db) and the Order service (order_db) through the
 * gateway, with the checkout kill switch flipped as an operator rolls back and forward (dual-write on, as
 * {@code ./cartwright start} runs): a customer who checked out on one side finds the checkout completed and the order
 * placed on the other, and a confirmation repeated there answers the same order (no second order); a customer in the
 * middle of a checkout finds it where they left it (the cart's lines and totals, the shipping address) and confirms it
 * there, once.
 */
@ExtendWith(RealServices.class)
class CheckoutsFollowCustomerIT {

    private static final String NEW_SIDE = "checkout_service";
    private static final String ORDER_SIDE = "order_service_checkout";

    private static SplitStack stack;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        stack = SplitStack.start(postgres, redis, kafka);
        stack.gateway.admin().share(ServiceRouting.CHECKOUT, FlagSetting.ON);
        stack.gateway.admin().share(ServiceRouting.RETURNS, FlagSetting.ON);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void checkoutsDoneOrUnderwayOnTheCheckoutServiceAreCurrentOnTheOrderServiceAfterARollbackAndBackAgain() {
        checkoutsOnTheNewService(true);
        String done = customer("done");
        String underway = customer("underway");
        Checkout doneCheckout = startWithAddress(done, 2, NEW_SIDE);
        Order doneOrder = confirm(done, doneCheckout, NEW_SIDE);
        Checkout underwayCheckout = startWithAddress(underway, 3, NEW_SIDE);
        int ordersBefore = stack.sim.order().orderCount();

        // Rolled back: the Order service serves both customers now.
        checkoutsOnTheNewService(false);
        Checkout doneThere = get(done, doneCheckout.getCheckoutId(), ORDER_SIDE);
        assertThat(doneThere.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        assertThat(doneThere.getOrderId()).isEqualTo(doneOrder.getOrderId());
        assertThat(cart(done, doneCheckout.getCartId(), ORDER_SIDE).getStatus()).isEqualTo(CartStatus.CART_STATUS_CONVERTED);
        // A confirmation repeated there (the customer's retry) answers the order placed on the Checkout Service.
        assertThat(confirm(done, doneCheckout, ORDER_SIDE).getOrderId()).isEqualTo(doneOrder.getOrderId());

        Checkout underwayThere = get(underway, underwayCheckout.getCheckoutId(), ORDER_SIDE);
        assertSameCheckout(underwayThere, underwayCheckout);
        assertThat(underwayThere.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
        Order underwayOrder = confirm(underway, underwayCheckout, ORDER_SIDE);
        assertThat(underwayOrder.getCustomerId()).isEqualTo(underway);
        assertThat(underwayOrder.getTotals().getGrandTotal()).isEqualTo(underwayCheckout.getTotals().getGrandTotal());
        assertThat(stack.sim.order().orderCount()).as("orders placed by the rollback's customers").isEqualTo(ordersBefore + 1);

        // Forward again: the Checkout Service finds what the Order service did, and places no second order either.
        checkoutsOnTheNewService(true);
        Checkout underwayBack = get(underway, underwayCheckout.getCheckoutId(), NEW_SIDE);
        assertThat(underwayBack.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        assertThat(underwayBack.getOrderId()).isEqualTo(underwayOrder.getOrderId());
        assertThat(cart(underway, underwayCheckout.getCartId(), NEW_SIDE).getStatus()).isEqualTo(CartStatus.CART_STATUS_CONVERTED);
        assertThat(confirm(underway, underwayCheckout, NEW_SIDE).getOrderId()).isEqualTo(underwayOrder.getOrderId());
        assertThat(get(done, doneCheckout.getCheckoutId(), NEW_SIDE).getOrderId()).isEqualTo(doneOrder.getOrderId());
        assertThat(stack.sim.order().orderCount()).isEqualTo(ordersBefore + 1);
    }

    @Test
    void aCheckoutStartedOnTheOrderServiceIsFinishedOnTheCheckoutServiceAndIsCurrentThereAfterAnotherRollback() {
        checkoutsOnTheNewService(false);
        String customer = customer("legacy-start");
        Checkout started = startWithAddress(customer, 1, ORDER_SIDE);
        int ordersBefore = stack.sim.order().orderCount();

        checkoutsOnTheNewService(true);
        Checkout here = get(customer, started.getCheckoutId(), NEW_SIDE);
        assertSameCheckout(here, started);
        assertThat(here.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
        // The Checkout Service confirms it at the Order service's quote (its shipping and tax for the address), the price
        // the customer was shown there (CheckoutsTakenOverIT has the details).
        OrderPreview preview = ok(stack.callNow(customer, CheckoutServiceGrpcClient.PreviewOrder,
            PreviewOrderRequest.newBuilder().setCheckoutId(started.getCheckoutId()).build()), NEW_SIDE);
        assertThat(preview.getReady()).as(preview.getIssuesList().toString()).isTrue();
        assertThat(preview.getTotals().getGrandTotal()).isEqualTo(started.getTotals().getGrandTotal());
        Order order = confirm(customer, started, NEW_SIDE);
        assertThat(order.getCustomerId()).isEqualTo(customer);
        assertThat(order.getTotals().getGrandTotal()).isEqualTo(preview.getTotals().getGrandTotal());
        assertThat(order.getItemsList()).extracting(OrderLine::getProductId, OrderLine::getQuantity).containsExactly(tuple("456", 1));

        checkoutsOnTheNewService(false);
        Checkout there = get(customer, started.getCheckoutId(), ORDER_SIDE);
        assertThat(there.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        assertThat(there.getOrderId()).isEqualTo(order.getOrderId());
        assertThat(cart(customer, started.getCartId(), ORDER_SIDE).getStatus()).isEqualTo(CartStatus.CART_STATUS_CONVERTED);
        assertThat(confirm(customer, started, ORDER_SIDE).getOrderId()).isEqualTo(order.getOrderId());
        assertThat(stack.sim.order().orderCount()).isEqualTo(ordersBefore + 1);
    }

    private static String customer(String what) {
        return "checkout-follow-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void checkoutsOnTheNewService(boolean on) {
        stack.gateway.admin().useNewService(ServiceRouting.CHECKOUT, on);
    }

    /** A cart of {@code quantity} units of product 456, a checkout of it, the customer's shipping address: all on {@code side}. */
    private static Checkout startWithAddress(String customer, int quantity, String side) {
        Cart cart = ok(stack.callNow(customer, CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(customer).setCurrencyCode("USD").build()), side);
        ok(stack.callNow(customer, CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(quantity).build()), side);
        Checkout checkout = ok(stack.callNow(customer, CheckoutServiceGrpcClient.StartCheckout,
            StartCheckoutRequest.newBuilder().setCartId(cart.getCartId()).build()), side);
        return ok(stack.callNow(customer, CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(checkout.getCheckoutId()).setAddress(CustomerSimulator.customer(customer).getDefaultAddress()).build()), side);
    }

    private static Order confirm(String customer, Checkout checkout, String side) {
        return ok(stack.callNow(customer, CheckoutServiceGrpcClient.ConfirmCheckout, ConfirmCheckoutRequest.newBuilder()
            .setCheckoutId(checkout.getCheckoutId()).setPaymentMethodId("789").build()), side);
    }

    private static Checkout get(String customer, String checkoutId, String side) {
        return ok(stack.callNow(customer, CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(checkoutId).build()), side);
    }

    private static Cart cart(String customer, String cartId, String side) {
        return ok(stack.callNow(customer, CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cartId).build()), side);
    }

    /** The checkout the other side made, as this side shows it: the same cart, lines, totals and shipping address. */
    private static void assertSameCheckout(Checkout actual, Checkout expected) {
        assertThat(actual.getCheckoutId()).isEqualTo(expected.getCheckoutId());
        assertThat(actual.getCartId()).isEqualTo(expected.getCartId());
        assertThat(actual.getCustomerId()).isEqualTo(expected.getCustomerId());
        assertThat(actual.getItemsList())
            .extracting(CartLine::getProductId, CartLine::getQuantity, line -> line.getUnitPrice().getAmountMinor())
            .containsExactlyElementsOf(expected.getItemsList().stream()
                .map(line -> tuple(line.getProductId(), line.getQuantity(), line.getUnitPrice().getAmountMinor())).toList());
        assertThat(actual.getTotals().getGrandTotal()).isEqualTo(expected.getTotals().getGrandTotal());
        assertThat(actual.getShippingAddress()).isEqualTo(expected.getShippingAddress());
    }
}
