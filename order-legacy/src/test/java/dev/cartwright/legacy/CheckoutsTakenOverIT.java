package dev.cartwright.legacy;

import static dev.cartwright.legacy.Purchases.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.ServiceRouting;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.Checkout;
import dev.cartwright.proto.checkout.v1.CheckoutServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.CheckoutStatus;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.Order;
import dev.cartwright.proto.checkout.v1.OrderPreview;
import dev.cartwright.proto.checkout.v1.PreviewOrderRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.PaymentAuthorization;
import dev.cartwright.proto.platform.v1.Reservation;
import dev.cartwright.proto.platform.v1.ReservationStatus;
import dev.cartwright.sim.CustomerSimulator;
import dev.cartwright.sim.SimService;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A checkout the Order service started is taken over by the Checkout Service when a rollout moves its customer, with
 * the price the shopper was shown and without stock left behind:
 * <ul>
 *   <li>the Order service quoted its own shipping and tax (its flat-rate ground shipping, its one sales tax rate);
 *       PreviewOrder and ConfirmCheckout on the Checkout Service show and charge exactly that quote, never a price of
 *       its own rules that the shopper never saw;</li>
 *   <li>one the Order service quoted no shipping for is refused with a specific reason rather than silently repriced,
 *       until the shopper sets the address here;</li>
 *   <li>the stock the Checkout Service reserves when it takes such a checkout over (the Order service held none) is not
 *       left held when the warehouse's answer is lost (the simulator's "commit, then time out" knob): the outcome is
 *       resolved with the same reservation id, and the reservation is then committed to the order, or released when
 *       the checkout does not go on.</li>
 * </ul>
 */
@ExtendWith(RealServices.class)
class CheckoutsTakenOverIT {

    private static final String NEW_SIDE = "checkout_service";
    private static final String ORDER_SIDE = "order_service_checkout";
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private static SplitStack stack;

    @BeforeAll
    static void start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka) {
        // The neighbours' deadlines and retries as shipped; a parked saga is resumed within a second.
        stack = SplitStack.start(postgres, redis, kafka, Map.of("CARTWRIGHT_NEIGHBOUR_MAX_FAILURES", "200",
            "CARTWRIGHT_SAGA_RETRY_AFTER", "500ms", "CARTWRIGHT_SAGA_RECOVERY_EVERY", "300ms"));
        stack.gateway.admin().share(ServiceRouting.CHECKOUT, FlagSetting.ON);
        stack.gateway.admin().share(ServiceRouting.RETURNS, FlagSetting.ON);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void wellBehavedAgain() {
        stack.sim.resetKnobs();
    }

    @Test
    void aCheckoutTheOrderServiceQuotedIsPreviewedConfirmedAndChargedOnTheCheckoutServiceAtThatQuote() {
        checkoutsOnTheNewService(false);
        String customer = customer("quoted");
        Checkout quoted = startWithAddress(customer, 2, ORDER_SIDE);
        // The Order service's own quote for the address: its ground shipping and its sales tax on the goods.
        assertThat(quoted.getShippingMethod().getShippingMethodId()).isEqualTo(LegacyCheckouts.GROUND);
        long subtotal = quoted.getTotals().getSubtotal().getAmountMinor();
        long shipping = quoted.getTotals().getShipping().getAmountMinor();
        long tax = quoted.getTotals().getTax().getAmountMinor();
        long quote = quoted.getTotals().getGrandTotal().getAmountMinor();
        assertThat(shipping).isEqualTo(LegacyCheckouts.GROUND_COST_MINOR);
        assertThat(tax).as("the customer lives in the US").isPositive();
        assertThat(quote).isEqualTo(subtotal + shipping + tax);

        checkoutsOnTheNewService(true);
        Checkout here = get(customer, quoted.getCheckoutId(), NEW_SIDE);
        assertThat(here.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);
        assertThat(here.getTotals().getGrandTotal().getAmountMinor()).isEqualTo(quote);
        OrderPreview preview = ok(stack.callNow(customer, CheckoutServiceGrpcClient.PreviewOrder,
            PreviewOrderRequest.newBuilder().setCheckoutId(quoted.getCheckoutId()).build()), NEW_SIDE);
        assertThat(preview.getReady()).as(preview.getIssuesList().toString()).isTrue();
        assertThat(preview.getTotals().getShipping().getAmountMinor()).isEqualTo(shipping);
        assertThat(preview.getTotals().getTax().getAmountMinor()).isEqualTo(tax);
        assertThat(preview.getTotals().getGrandTotal().getAmountMinor()).isEqualTo(quote);
        assertThat(preview.getShippingMethod().getShippingMethodId()).isEqualTo(LegacyCheckouts.GROUND);

        Order order = confirm(customer, quoted.getCheckoutId(), NEW_SIDE);
        assertThat(order.getTotals().getGrandTotal().getAmountMinor()).isEqualTo(quote);
        PaymentAuthorization payment = stack.sim.payment().authorizationByKey(quoted.getCheckoutId() + ":authorize").orElseThrow();
        assertThat(payment.getAmount().getAmountMinor()).as("the amount authorized").isEqualTo(quote);
        OrderDetails placed = stack.sim.order().order(order.getOrderId()).orElseThrow();
        assertThat(placed.getShipping().getAmountMinor()).isEqualTo(shipping);
        assertThat(placed.getTax().getAmountMinor()).isEqualTo(tax);
        assertThat(placed.getGrandTotal().getAmountMinor()).isEqualTo(quote);
    }

    @Test
    void aCheckoutTheOrderServiceQuotedNoShippingForIsRefusedRatherThanRepricedUntilTheAddressIsSetHere() {
        checkoutsOnTheNewService(false);
        String customer = customer("unquoted");
        Checkout started = startWithoutAddress(customer, ORDER_SIDE);
        assertThat(started.getTotals().getShipping().getAmountMinor()).isZero();

        checkoutsOnTheNewService(true);
        OrderPreview preview = ok(stack.callNow(customer, CheckoutServiceGrpcClient.PreviewOrder,
            PreviewOrderRequest.newBuilder().setCheckoutId(started.getCheckoutId()).build()), NEW_SIDE);
        assertThat(preview.getReady()).isFalse();
        assertThat(preview.getIssuesList()).anySatisfy(issue -> assertThat(issue).contains("quoted no shipping"));
        SplitStack.Reply<Order> refused = stack.callNow(customer, CheckoutServiceGrpcClient.ConfirmCheckout,
            ConfirmCheckoutRequest.newBuilder().setCheckoutId(started.getCheckoutId()).setPaymentMethodId("789").build());
        assertThat(refused.status()).as(refused.message()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(refused.message()).contains("quoted no shipping");
        assertThat(stack.sim.payment().authorizationByKey(started.getCheckoutId() + ":authorize")).as("nothing charged").isEmpty();
        assertThat(get(customer, started.getCheckoutId(), NEW_SIDE).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_OPEN);

        // The shopper sets the address here: the Checkout Service quotes it, shows it, and confirms at that price.
        Checkout quotedHere = ok(stack.callNow(customer, CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest
            .newBuilder().setCheckoutId(started.getCheckoutId()).setAddress(CustomerSimulator.customer(customer).getDefaultAddress())
            .build()), NEW_SIDE);
        OrderPreview again = ok(stack.callNow(customer, CheckoutServiceGrpcClient.PreviewOrder,
            PreviewOrderRequest.newBuilder().setCheckoutId(started.getCheckoutId()).build()), NEW_SIDE);
        assertThat(again.getReady()).as(again.getIssuesList().toString()).isTrue();
        Order order = confirm(customer, quotedHere.getCheckoutId(), NEW_SIDE);
        assertThat(order.getTotals().getGrandTotal()).isEqualTo(again.getTotals().getGrandTotal());
    }

    @Test
    void stockReservedOnTakingOverACheckoutWhoseAnswerWasLostIsResolvedAndCommittedToTheOrderNotLeftHeld() {
        checkoutsOnTheNewService(false);
        String customer = customer("lost-hold");
        Checkout started = startWithAddress(customer, 1, ORDER_SIDE);
        String reservation = "rsv-" + started.getCheckoutId();
        int ordersBefore = stack.sim.order().orderCount();
        checkoutsOnTheNewService(true);
        // The warehouse reserves, then holds its answer back until the Checkout Service has given up, on the call and
        // on both its retries.
        stack.sim.knobs(SimService.WAREHOUSE).commitThenTimeoutNext(3);

        SplitStack.Reply<Order> first = stack.callNow(customer, CheckoutServiceGrpcClient.ConfirmCheckout,
            ConfirmCheckoutRequest.newBuilder().setCheckoutId(started.getCheckoutId()).setPaymentMethodId("789").build());
        assertThat(first.status()).as(first.message()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(stack.sim.warehouse().reservation(reservation)).as("the warehouse reserved the stock").isPresent();

        Reservation settled = settledReservation(reservation);
        assertThat(settled.getStatus()).isEqualTo(ReservationStatus.RESERVATION_STATUS_COMMITTED);
        Checkout done = settledCheckout(customer, started.getCheckoutId());
        assertThat(done.getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_COMPLETED);
        assertThat(stack.sim.order().orderCount()).isEqualTo(ordersBefore + 1);
        assertThat(confirm(customer, started.getCheckoutId(), NEW_SIDE).getOrderId()).isEqualTo(done.getOrderId());
    }

    @Test
    void stockReservedOnTakingOverACheckoutWhoseAnswerWasLostIsReleasedWhenTheCheckoutDoesNotGoOn() {
        checkoutsOnTheNewService(false);
        String customer = customer("lost-hold-declined");
        Checkout started = startWithAddress(customer, 1, ORDER_SIDE);
        String reservation = "rsv-" + started.getCheckoutId();
        checkoutsOnTheNewService(true);
        stack.sim.knobs(SimService.WAREHOUSE).commitThenTimeoutNext(3);
        stack.sim.knobs(SimService.PAYMENT).declineAll(true);

        SplitStack.Reply<Order> first = stack.callNow(customer, CheckoutServiceGrpcClient.ConfirmCheckout,
            ConfirmCheckoutRequest.newBuilder().setCheckoutId(started.getCheckoutId()).setPaymentMethodId("789").build());
        assertThat(first.status()).as(first.message()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(stack.sim.warehouse().reservation(reservation)).as("the warehouse reserved the stock").isPresent();

        Reservation settled = settledReservation(reservation);
        assertThat(settled.getStatus()).isEqualTo(ReservationStatus.RESERVATION_STATUS_RELEASED);
        assertThat(settledCheckout(customer, started.getCheckoutId()).getStatus()).isEqualTo(CheckoutStatus.CHECKOUT_STATUS_FAILED);
    }

    private static String customer(String what) {
        return "taken-over-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void checkoutsOnTheNewService(boolean on) {
        stack.gateway.admin().useNewService(ServiceRouting.CHECKOUT, on);
    }

    /** A cart of {@code quantity} units of product 456 and a checkout of it, on {@code side}. */
    private static Checkout startWithoutAddress(String customer, String side) {
        return start(customer, 1, side);
    }

    private static Checkout start(String customer, int quantity, String side) {
        Cart cart = ok(stack.callNow(customer, CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(customer).setCurrencyCode("USD").build()), side);
        ok(stack.callNow(customer, CartServiceGrpcClient.AddItem,
            AddItemRequest.newBuilder().setCartId(cart.getCartId()).setProductId("456").setQuantity(quantity).build()), side);
        return ok(stack.callNow(customer, CheckoutServiceGrpcClient.StartCheckout,
            StartCheckoutRequest.newBuilder().setCartId(cart.getCartId()).build()), side);
    }

    /** As {@link #start}, then the customer's shipping address: all on {@code side}. */
    private static Checkout startWithAddress(String customer, int quantity, String side) {
        Checkout checkout = start(customer, quantity, side);
        return ok(stack.callNow(customer, CheckoutServiceGrpcClient.UpdateShippingAddress, UpdateAddressRequest.newBuilder()
            .setCheckoutId(checkout.getCheckoutId()).setAddress(CustomerSimulator.customer(customer).getDefaultAddress()).build()), side);
    }

    private static Order confirm(String customer, String checkoutId, String side) {
        return ok(stack.callNow(customer, CheckoutServiceGrpcClient.ConfirmCheckout, ConfirmCheckoutRequest.newBuilder()
            .setCheckoutId(checkoutId).setPaymentMethodId("789").build()), side);
    }

    private static Checkout get(String customer, String checkoutId, String side) {
        return ok(stack.callNow(customer, CheckoutServiceGrpcClient.GetCheckout,
            GetCheckoutRequest.newBuilder().setCheckoutId(checkoutId).build()), side);
    }

    /**
     * The reservation once it is no longer held (committed, released or expired), polled for at most {@link #SETTLE}; a
     * reservation still held then is returned as it is, and fails the caller's assertion.
     */
    private static Reservation settledReservation(String reservationId) {
        Supplier<Reservation> now = () -> stack.sim.warehouse().reservation(reservationId).orElseThrow();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Reservation r = now.get();
        while (r.getStatus() == ReservationStatus.RESERVATION_STATUS_HELD && System.nanoTime() < deadline) {
            sleep();
            r = now.get();
        }
        return r;
    }

    /** The checkout once its saga has ended (it is no longer CONFIRMING), polled for at most {@link #SETTLE}. */
    private static Checkout settledCheckout(String customer, String checkoutId) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Checkout c = get(customer, checkoutId, NEW_SIDE);
        while (c.getStatus() == CheckoutStatus.CHECKOUT_STATUS_CONFIRMING && System.nanoTime() < deadline) {
            sleep();
            c = get(customer, checkoutId, NEW_SIDE);
        }
        return c;
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
